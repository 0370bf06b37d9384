package org.psychcode.fhir.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.JdbcTransactionObjectSupport;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

/**
 * Spring's JDBC transaction manager, and on an H2 file one more step after each commit that wrote: {@code CHECKPOINT},
 * which writes what was committed to the file before the commit returns (H2's {@code MVStore.commit()}, the same write
 * that {@code WRITE_DELAY=0} makes at every commit). So an acknowledged write survives a {@code kill -9} while H2 keeps
 * its background writer, which {@code WRITE_DELAY=0} switches off and which alone compacts the file: without it every
 * commit appends a chunk that is never reclaimed (1.7 GB after 10,000 visits). Commits that arrive while another is
 * being written are written together, as before. H2 does not fsync here: a power cut can still lose the last commits.
 */
final class StoreTransactionManager extends JdbcTransactionManager {

  private final boolean checkpoint;

  StoreTransactionManager(DataSource dataSource, StoreDatabase database) {
    super(dataSource);
    this.checkpoint = database.kind() == StoreDatabase.Kind.H2_FILE;
  }

  @Override
  protected void doCommit(DefaultTransactionStatus status) {
    super.doCommit(status);
    if (checkpoint && !status.isReadOnly()) {
      Connection con = ((JdbcTransactionObjectSupport) status.getTransaction()).getConnectionHolder().getConnection();
      try (Statement s = con.createStatement()) {
        s.execute("CHECKPOINT");
      } catch (SQLException e) {
        throw translateException("H2 CHECKPOINT after commit", e);
      }
    }
  }
}

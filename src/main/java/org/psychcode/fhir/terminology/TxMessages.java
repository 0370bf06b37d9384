package org.psychcode.fhir.terminology;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.Properties;

/**
 * The sentences terminology answers are made of, keyed by the message ids the FHIR terminology ecosystem uses.
 * Clients (the HL7 validator among them) compare these texts, so they are kept in one file, not spread in code.
 */
final class TxMessages {

  private static final Properties MESSAGES = load();

  private TxMessages() {}

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = TxMessages.class.getResourceAsStream("tx-messages.properties")) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  static String format(String id, Object... args) {
    String template = MESSAGES.getProperty(id);
    if (template == null) {
      throw new IllegalArgumentException("No message " + id);
    }
    Object[] safe = new Object[args.length];
    for (int i = 0; i < args.length; i++) {
      safe[i] = args[i] == null ? "" : args[i].toString();
    }
    return new MessageFormat(template, Locale.ROOT).format(safe);
  }

  /** The {@code _one} or {@code _other} form of a message, by count. */
  static String plural(int count, String id, Object... args) {
    return format(id + (count == 1 ? "_one" : "_other"), args);
  }
}

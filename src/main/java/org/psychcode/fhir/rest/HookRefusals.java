package org.psychcode.fhir.rest;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import ca.uhn.fhir.interceptor.executor.BaseInterceptorService;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Keeps a client's error out of HAPI's interceptor log. HAPI 8.8.0's interceptor service logs every exception a hook
 * throws as an ERROR with its stack trace ("Exception thrown by interceptor for pointcut ...") before passing it on,
 * so a body refused before HAPI reads it (malformed XML, a DOCTYPE, a JSON body that is not UTF-8) or a request that
 * a token's scopes do not reach (403) wrote some forty lines that say nothing about the server. Those exceptions go on
 * to HAPI's exception handling, which answers them ({@link ClientErrorLog} logs at most one line each). This filter
 * drops that ERROR only when its exception is a HAPI answer below 500 (a 4xx, or a 304 a hook answers with); anything
 * else a hook throws (a 5xx, an unexpected exception) is logged by HAPI as before, stack trace and all.
 *
 * <p>Logback asks a turbo filter about every logging call, enabled or not, so the first test is the level.
 *
 * <p>It is installed by {@link Installer}, a listener of every application start ({@code META-INF/spring.factories})
 * that runs after Spring Boot has set logback up: Spring Boot resets logback's context when it sets it up again (a
 * second application in one JVM, as in the tests), and a reset drops every turbo filter.
 */
public final class HookRefusals extends TurboFilter {

  private static final String HAPI_HOOKS = BaseInterceptorService.class.getName();

  private HookRefusals() {}

  /** Adds the filter to logback's context, once; nothing when the logging behind SLF4J is not logback. */
  static synchronized void install() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
        && context.getTurboFilterList().stream().noneMatch(HookRefusals.class::isInstance)) {
      HookRefusals filter = new HookRefusals();
      filter.setName("hook-refusals");
      filter.setContext(context);
      filter.start();
      context.addTurboFilter(filter);
    }
  }

  /** Installs the filter once logging is set up, at every application start. */
  public static final class Installer implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {
    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
      install();
    }
  }

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level != Level.ERROR || !HAPI_HOOKS.equals(logger.getName())) {
      return FilterReply.NEUTRAL;
    }
    Object thrown = t != null ? t : params != null && params.length > 0 ? params[params.length - 1] : null;
    return thrown instanceof BaseServerResponseException e && e.getStatusCode() < 500
        ? FilterReply.DENY
        : FilterReply.NEUTRAL;
  }
}

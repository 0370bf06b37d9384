package org.psychcode.fhir.config;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.Container;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.psychcode.fhir.rest.ErrorOutcomes;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Every error answers with a FHIR OperationOutcome, also those raised where HAPI cannot see them. Tomcat refuses
 * some requests before any servlet runs (an invalid {@code %00}, an encoded slash, a malformed request line) and
 * reports them with its Host's {@link ErrorReportValve}, an HTML page; that valve is replaced by one writing an
 * OperationOutcome with the same status. An error the container forwards to Spring Boot's {@code /error} page (an
 * exception escaping a filter below HAPI) is answered the same way when the failed request was for {@code /fhir},
 * rather than with Spring's JSON or its HTML "Whitelabel" page.
 */
@Configuration
class HttpErrorsConfig {

  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> outcomeErrorReports() {
    return factory ->
        factory.addContextCustomizers(
            context -> {
              Container host = context.getParent();
              Pipeline pipeline = host.getPipeline();
              for (Valve valve : pipeline.getValves()) {
                if (valve instanceof ErrorReportValve) {
                  pipeline.removeValve(valve);
                }
              }
              pipeline.addValve(new OutcomeErrorReportValve());
              if (host instanceof StandardHost standardHost) {
                standardHost.setErrorReportValveClass(OutcomeErrorReportValve.class.getName());
              }
            });
  }

  @Bean
  FilterRegistrationBean<Filter> fhirErrorPages() {
    Filter filter =
        (req, res, chain) -> {
          HttpServletRequest request = (HttpServletRequest) req;
          HttpServletResponse response = (HttpServletResponse) res;
          Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
          String fhir = request.getContextPath() + "/fhir";
          if (!(uri instanceof String u) || !(u.equals(fhir) || u.startsWith(fhir + "/")) || response.isCommitted()) {
            chain.doFilter(req, res);
            return;
          }
          Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
          int code = status instanceof Integer s && s >= 400 ? s : 500;
          response.resetBuffer();
          response.setStatus(code);
          response.setContentType(ErrorOutcomes.CONTENT_TYPE);
          byte[] body = ErrorOutcomes.json(code).getBytes(StandardCharsets.UTF_8);
          response.setContentLength(body.length);
          response.getOutputStream().write(body);
        };
    FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
    registration.setDispatcherTypes(DispatcherType.ERROR);
    registration.addUrlPatterns("/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  /** Tomcat's error report, written as an OperationOutcome instead of an HTML page. */
  public static final class OutcomeErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
      int status = response.getStatus();
      if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
        return;
      }
      AtomicBoolean ioAllowed = new AtomicBoolean(false);
      response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
      if (!ioAllowed.get()) {
        return;
      }
      try {
        response.setContentType(ErrorOutcomes.CONTENT_TYPE);
        Writer writer = response.getReporter();
        if (writer != null) {
          writer.write(ErrorOutcomes.json(status));
          response.finishResponse();
        }
      } catch (IOException | IllegalStateException e) {
        // the client is gone or the response was committed meanwhile: nothing more can be said
      }
    }
  }
}

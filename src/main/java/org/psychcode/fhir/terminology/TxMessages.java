package org.psychcode.fhir.terminology;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The sentences terminology answers are made of, keyed by the message ids the FHIR terminology ecosystem uses.
 * Clients (the HL7 validator among them) compare these texts, so they are kept in one file, not spread in code.
 * The templates use {@link java.text.MessageFormat}'s {@code {n}} and {@code ''} only; they are split into parts
 * once, so formatting one is a few string appends.
 */
final class TxMessages {

  private static final Map<String, Object[]> TEMPLATES = load();

  private TxMessages() {}

  private static Map<String, Object[]> load() {
    Properties p = new Properties();
    try (InputStream in = TxMessages.class.getResourceAsStream("tx-messages.properties")) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Object[]> out = new HashMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, compile(p.getProperty(k))));
    return Map.copyOf(out);
  }

  /** Literal text as String parts, arguments as Integer parts. */
  private static Object[] compile(String template) {
    List<Object> parts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c == '\'' && i + 1 < template.length() && template.charAt(i + 1) == '\'') {
        text.append('\'');
        i++;
      } else if (c == '{') {
        int close = template.indexOf('}', i);
        parts.add(text.toString());
        text.setLength(0);
        parts.add(Integer.parseInt(template.substring(i + 1, close).trim()));
        i = close;
      } else {
        text.append(c);
      }
    }
    parts.add(text.toString());
    return parts.toArray();
  }

  static String format(String id, Object... args) {
    Object[] parts = TEMPLATES.get(id);
    if (parts == null) {
      throw new IllegalArgumentException("No message " + id);
    }
    StringBuilder b = new StringBuilder(128);
    for (Object part : parts) {
      if (part instanceof Integer n) {
        Object arg = n < args.length ? args[n] : null;
        b.append(arg == null ? "" : arg.toString());
      } else {
        b.append((String) part);
      }
    }
    return b.toString();
  }

  /** The {@code _one} or {@code _other} form of a message, by count. */
  static String plural(int count, String id, Object... args) {
    return format(id + (count == 1 ? "_one" : "_other"), args);
  }
}

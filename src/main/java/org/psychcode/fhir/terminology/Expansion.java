package org.psychcode.fhir.terminology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.r4.model.ValueSet.ConceptReferenceDesignationComponent;
import org.hl7.fhir.r4.model.ValueSet.ValueSetExpansionComponent;
import org.hl7.fhir.r4.model.ValueSet.ValueSetExpansionContainsComponent;

/**
 * The result of expanding a value set, kept apart from its rendering: the concepts (as a tree when the value set
 * allows one, and as a flat list), the expansion parameters, and what the expansion says about itself. A published
 * value set's expansion is computed once at start-up and rendered per request with the paging and text filter the
 * request asks for.
 */
final class Expansion {

  /** One concept in the expansion. */
  static final class Item {
    final String system;
    final String version;
    final String code;
    String display;
    boolean isAbstract;
    boolean inactive;
    final List<ConceptReferenceDesignationComponent> designations = new ArrayList<>();
    final List<Map.Entry<String, Type>> properties = new ArrayList<>();
    final List<Extension> extensions = new ArrayList<>();
    final List<Item> children = new ArrayList<>();
    Designations names;

    Item(String system, String version, String code) {
      this.system = system;
      this.version = version;
      this.code = code;
    }

    String key(boolean withVersion) {
      return system + "~" + (withVersion ? version + "~" : "") + code;
    }

    ValueSetExpansionContainsComponent toContains(boolean nested) {
      ValueSetExpansionContainsComponent c = new ValueSetExpansionContainsComponent();
      c.setSystem(system);
      if (isAbstract) {
        c.setAbstract(true);
      }
      if (inactive) {
        c.setInactive(true);
      }
      if (version != null) {
        c.setVersion(version);
      }
      c.setCode(code);
      if (display != null) {
        c.setDisplay(display);
      }
      designations.forEach(d -> c.addDesignation(d.copy()));
      for (Map.Entry<String, Type> p : properties) {
        Extension e = c.addExtension().setUrl(PROPERTY_EXTENSION);
        e.addExtension("code", new org.hl7.fhir.r4.model.CodeType(p.getKey()));
        e.addExtension("value", p.getValue().copy());
      }
      extensions.forEach(e -> c.addExtension(e.copy()));
      if (nested) {
        children.forEach(ch -> c.addContains(ch.toContains(true)));
      }
      return c;
    }
  }

  /** How an R4 expansion carries R5's {@code contains.property}. */
  static final String PROPERTY_EXTENSION =
      "http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.expansion.contains.property";

  static final String PROPERTY_DEFINITION_EXTENSION =
      "http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.expansion.property";

  final ValueSet header;
  final List<Item> roots;
  final List<Item> all;
  final boolean canBeHierarchy;
  final boolean flatWhenFiltered;
  final boolean notClosed;
  final int total;
  final List<Map.Entry<String, Type>> parameters;
  final Map<String, String> propertyDefinitions;
  final List<Extension> extensions;
  final String timestamp;

  Expansion(
      ValueSet header,
      List<Item> roots,
      List<Item> all,
      boolean canBeHierarchy,
      boolean flatWhenFiltered,
      boolean notClosed,
      int total,
      List<Map.Entry<String, Type>> parameters,
      Map<String, String> propertyDefinitions,
      List<Extension> extensions,
      String timestamp) {
    this.header = header;
    this.roots = roots;
    this.all = all;
    this.canBeHierarchy = canBeHierarchy;
    this.flatWhenFiltered = flatWhenFiltered;
    this.notClosed = notClosed;
    this.total = total;
    this.parameters = parameters;
    this.propertyDefinitions = propertyDefinitions;
    this.extensions = extensions;
    this.timestamp = timestamp;
  }

  /**
   * Only the concepts that pass a text filter; a concept whose ancestors fail hangs from the nearest ancestor that
   * passes (or becomes a root).
   */
  Expansion filtered(TextFilter filter) {
    if (filter.isNull()) {
      return this;
    }
    List<Item> newRoots = new ArrayList<>();
    List<Item> newAll = new ArrayList<>();
    for (Item r : roots) {
      filterInto(r, filter, newRoots, newAll);
    }
    List<Map.Entry<String, Type>> params = new ArrayList<>();
    params.add(Map.entry("filter", new StringType(filter.text())));
    params.addAll(parameters);
    return new Expansion(
        header,
        newRoots,
        newAll,
        canBeHierarchy && !flatWhenFiltered,
        flatWhenFiltered,
        notClosed,
        newAll.size(),
        params,
        propertyDefinitions,
        extensions,
        timestamp);
  }

  private static void filterInto(Item item, TextFilter filter, List<Item> siblings, List<Item> all) {
    if (item.names == null || filter.passes(item.names, item.code)) {
      Item copy = shallowCopy(item);
      siblings.add(copy);
      all.add(copy);
      for (Item ch : item.children) {
        filterInto(ch, filter, copy.children, all);
      }
    } else {
      for (Item ch : item.children) {
        filterInto(ch, filter, siblings, all);
      }
    }
  }

  private static Item shallowCopy(Item i) {
    Item c = new Item(i.system, i.version, i.code);
    c.display = i.display;
    c.isAbstract = i.isAbstract;
    c.inactive = i.inactive;
    c.designations.addAll(i.designations);
    c.properties.addAll(i.properties);
    c.extensions.addAll(i.extensions);
    c.names = i.names;
    return c;
  }

  ValueSet render(int offset, int count) {
    return render(offset, count, null);
  }

  /**
   * Renders the expansion for one request: {@code offset}/{@code count} as asked ({@code -1}: not asked);
   * {@code excludeNested} as asked ({@code null}: not asked), which a stored expansion honours by flattening.
   */
  ValueSet render(int offset, int count, Boolean excludeNested) {
    boolean hasOffset = offset > -1;
    boolean hasCount = count > -1;
    ValueSet vs = header.copy();
    ValueSetExpansionComponent exp = vs.getExpansion();
    exp.setTimestampElement(new DateTimeType(timestamp));
    extensions.forEach(e -> exp.addExtension(e.copy()));
    if (!notClosed) {
      exp.setTotal(total);
    } else if (total >= 0) {
      exp.setTotal(total);
    }
    Map<String, Type> seen = new LinkedHashMap<>();
    List<Map.Entry<String, Type>> params = new ArrayList<>(parameters);
    if (excludeNested != null && params.stream().noneMatch(p -> p.getKey().equals("excludeNested"))) {
      params.add(Map.entry("excludeNested", new BooleanType(excludeNested)));
    }
    if (hasOffset) {
      params.add(Map.entry("offset", new IntegerType(offset)));
      exp.setOffset(offset);
    }
    if (hasCount) {
      params.add(Map.entry("count", new IntegerType(count)));
    }
    for (Map.Entry<String, Type> p : params) {
      String key = p.getKey() + "=" + p.getValue().primitiveValue();
      if (seen.putIfAbsent(key, p.getValue()) == null) {
        exp.addParameter().setName(p.getKey()).setValue(p.getValue().copy());
      }
    }
    propertyDefinitions.forEach(
        (code, uri) -> {
          Extension e = exp.addExtension().setUrl(PROPERTY_DEFINITION_EXTENSION);
          e.addExtension("code", new org.hl7.fhir.r4.model.CodeType(code));
          if (uri != null) {
            e.addExtension("uri", new UriType(uri));
          }
        });
    int from = Math.max(offset, 0);
    boolean hierarchy =
        canBeHierarchy && !Boolean.TRUE.equals(excludeNested) && from == 0 && (count < 0 || count > all.size());
    List<Item> list = hierarchy ? roots : all;
    int taken = 0;
    for (int i = from; i < list.size() && (count < 0 || taken < count); i++) {
      exp.addContains(list.get(i).toContains(hierarchy));
      taken++;
    }
    exp.setIdentifier("urn:uuid:" + UUID.nameUUIDFromBytes(identity(vs, offset, count).getBytes()));
    return vs;
  }

  private String identity(ValueSet vs, int offset, int count) {
    StringBuilder b = new StringBuilder();
    b.append(vs.getUrl()).append('|').append(vs.getVersion()).append('|').append(timestamp).append('|');
    b.append(offset).append('|').append(count).append('|').append(total).append('|').append(all.size());
    for (Map.Entry<String, Type> p : parameters) {
      b.append(p.getKey()).append('=').append(p.getValue().primitiveValue()).append(';');
    }
    return b.toString();
  }

  static BooleanType bool(boolean b) {
    return new BooleanType(b);
  }
}

package org.psychcode.fhir.rest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue.ScalarType;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue.ValueType;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.stereotype.Component;

/**
 * What a posted body must be before anything reads it, for every endpoint: JSON in UTF-8 (RFC 8259; a byte that is
 * not UTF-8 would otherwise be read as U+FFFD and stored so), XML without a DOCTYPE (DESIGN refuses XML with
 * entities) and with its root in FHIR's namespace (HAPI's parser reads any namespace). A body that is to be stored
 * (create, update, transaction, batch, {@code Claim/$submit}) is also read once more with every element accounted for:
 * HAPI's lenient reading skips an element it does not know, a primitive given as an object and a list given as an
 * object, so the store would keep less than the client sent and answer 201; here that is a 400 naming the element.
 * {@code $validate} and the terminology operations keep HAPI's lenient reading: the validator reports what they hold.
 *
 * <p>A transaction or batch Bundle in JSON is read so once, before HAPI reads the body ({@link #readBundleOnce}): when
 * nothing in it is skipped, HAPI is handed that Bundle as the request's resource, which it takes instead of reading the
 * body again (its {@code ResourceParameter.parseResourceFromRequest}). Any body that reading does not take whole is read
 * by HAPI and checked here as before.
 */
@Component
@Interceptor
public class PostedContentCheck {

  private static final Set<RestOperationTypeEnum> WRITES =
      Set.of(RestOperationTypeEnum.CREATE, RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.TRANSACTION, RestOperationTypeEnum.BATCH);
  private static final Set<RestOperationTypeEnum> BUNDLES = Set.of(RestOperationTypeEnum.TRANSACTION, RestOperationTypeEnum.BATCH);
  private static final String READ_WHOLLY = PostedContentCheck.class.getName() + ".readWholly";

  private final FhirContext ctx;

  public PostedContentCheck(FhirContext ctx) {
    this.ctx = ctx;
  }

  /**
   * After HAPI has chosen the method and before it reads the body: a JSON transaction or batch Bundle in UTF-8 read
   * with nothing skipped becomes the request's resource. Whatever this reading does not take (another charset, content
   * it would skip, a body that is not a Bundle or not JSON at all) is left to HAPI and to {@link #check}.
   */
  @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
  public boolean readBundleOnce(RequestDetails request) {
    if (request.getRequestType() != RequestTypeEnum.POST
        || !BUNDLES.contains(request.getRestOperationType())
        || RestfulServerUtils.determineRequestEncodingNoDefault(request) != EncodingEnum.JSON) {
      return true;
    }
    byte[] bytes = request.loadRequestContents();
    if (bytes == null || bytes.length == 0) {
      return true;
    }
    try {
      String text = utf8(bytes, request.getHeader("Content-Type"));
      IParser parser = strictParser(EncodingEnum.JSON);
      // as HAPI's own reading of the body sets it up (ResourceParameter.loadResourceFromRequest)
      parser.setServerBaseUrl(request.getFhirServerBase());
      IBaseResource read = text == null ? null : parser.parseResource(text);
      if (read instanceof IBaseBundle) {
        request.setResource(read);
        request.getUserData().put(READ_WHOLLY, Boolean.TRUE);
      }
    } catch (RuntimeException leftToHapi) {
      // HAPI reads the body, and check() answers what is wrong with it, as for any other body
    }
    return true;
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void check(RequestDetails request, RestOperationTypeEnum operation) {
    if (Boolean.TRUE.equals(request.getUserData().get(READ_WHOLLY))) {
      return;
    }
    String method = request.getRequestType() == null ? "" : request.getRequestType().name();
    if (!method.equals("POST") && !method.equals("PUT")) {
      return;
    }
    EncodingEnum encoding = RestfulServerUtils.determineRequestEncodingNoDefault(request);
    byte[] bytes = encoding == null ? null : request.loadRequestContents();
    if (bytes == null || bytes.length == 0) {
      return;
    }
    String text;
    if (encoding == EncodingEnum.JSON) {
      text = utf8(bytes, request.getHeader("Content-Type"));
    } else if (encoding == EncodingEnum.XML) {
      text = new String(bytes, StandardCharsets.UTF_8);
      String refusal = PostedBody.xmlRefusal(text);
      if (refusal != null) {
        throw new InvalidRequestException(refusal);
      }
    } else {
      return;
    }
    if (stores(request, operation)) {
      readWholly(text, encoding);
    }
  }

  private static boolean stores(RequestDetails request, RestOperationTypeEnum operation) {
    return WRITES.contains(operation)
        || (operation == RestOperationTypeEnum.EXTENDED_OPERATION_TYPE && "Claim".equals(request.getResourceName())
            && "$submit".equals(request.getOperation()));
  }

  /** The JSON text, when its bytes are UTF-8 (or its Content-Type names another charset). */
  private static String utf8(byte[] bytes, String contentType) {
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (type.contains("charset=") && !type.contains("charset=utf-8") && !type.contains("charset=\"utf-8\"")) {
      return null;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidRequestException("The JSON body is not UTF-8: JSON is sent in UTF-8 (RFC 8259, section 8.1).");
    }
  }

  /** Reads a body to be stored with nothing skipped: an element the parser does not know is a 400 naming it. */
  private void readWholly(String text, EncodingEnum encoding) {
    if (text == null) {
      return;
    }
    try {
      strictParser(encoding).parseResource(text);
    } catch (DataFormatException e) {
      throw new InvalidRequestException("The body holds content this server would not store: " + e.getMessage());
    } catch (RuntimeException e) {
      // anything else the parser fails on, HAPI's own reading of the body answers
    }
  }

  /** A parser that reads with {@link #NOTHING_SKIPPED}. */
  private IParser strictParser(EncodingEnum encoding) {
    IParser parser = encoding == EncodingEnum.XML ? ctx.newXmlParser() : ctx.newJsonParser();
    parser.setParserErrorHandler(NOTHING_SKIPPED);
    return parser;
  }

  /** HAPI's lenient reading, except that nothing is skipped without a word. */
  private static final LenientErrorHandler NOTHING_SKIPPED =
      new LenientErrorHandler(false) {
        @Override
        public void unknownElement(IParseLocation location, String name) {
          throw new DataFormatException("'" + name + "' is not an element this resource or data type has (a primitive value given as an object, or a misspelt name).");
        }

        @Override
        public void unknownAttribute(IParseLocation location, String name) {
          throw new DataFormatException("'" + name + "' is not an attribute FHIR XML has here.");
        }

        @Override
        public void incorrectJsonType(
            IParseLocation location, String name, ValueType expected, ScalarType expectedScalar, ValueType found, ScalarType foundScalar) {
          throw new DataFormatException("'" + name + "' is a JSON " + found.name().toLowerCase(Locale.ROOT) + " where FHIR has a JSON " + expected.name().toLowerCase(Locale.ROOT) + ".");
        }

        @Override
        public void unexpectedRepeatingElement(IParseLocation location, String name) {
          throw new DataFormatException("'" + name + "' repeats, but may appear only once.");
        }
      };
}

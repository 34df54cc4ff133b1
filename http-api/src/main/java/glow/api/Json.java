package glow.api;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one ObjectMapper of the API and the JSON responses built with it; one static utility.
 * Instants and durations are ISO-8601 strings (PT2S), nulls are left out, keys keep record order.
 */
public final class Json {
  private Json() {}

  public static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .registerModule(new Jdk8Module())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static HttpResponse response(StatusCode status, Object value) {
    return HttpResponse.create().withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, write(value)));
  }

  public static HttpResponse ok(Object value) {
    return response(StatusCodes.OK, value);
  }

  /** The API's error body: what is wrong, and what to do about it. */
  public static HttpResponse error(StatusCode status, String error, String hint) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error);
    if (hint != null) body.put("hint", hint);
    return response(status, body);
  }

  /** A record or bean as an ordered, mutable map, to add computed fields. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(Object value) {
    return MAPPER.convertValue(value, LinkedHashMap.class);
  }
}

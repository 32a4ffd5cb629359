package org.medclip.backend.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import org.medclip.backend.common.ApiException;

/**
 * The JSON body of {@code POST /api/search/vector}: {@code {"vector": [0.12, -0.03, ...]}}. Parsed
 * here rather than bound by the framework, so that every mistake gets a sentence naming it.
 */
final class VectorBody {
  /** Most numbers accepted in a vector (CLIP models have 512 to 1024 dimensions). */
  static final int MAX_DIMENSION = 4096;

  static final String SHAPE = "{\"vector\": [0.12, -0.03, ...]}";

  private VectorBody() {}

  /**
   * The vector of a request body.
   *
   * @throws ApiException 400 naming what is wrong: not JSON, no vector, not numbers, too long, all
   *     zeros
   */
  static float[] parse(ObjectMapper json, String body) {
    if (body == null || body.isBlank()) {
      throw ApiException.badRequest("The request body is empty; send " + SHAPE + ".");
    }
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " (line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ")";
      throw ApiException.badRequest("The request body is not valid JSON" + where + ".");
    }
    if (root == null || !root.isObject()) {
      throw ApiException.badRequest("The request body must be a JSON object: " + SHAPE + ".");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("vector")) {
        throw ApiException.badRequest(
            "Unknown field '" + name + "' in the request body; it has one field, vector.");
      }
    }
    JsonNode vector = root.get("vector");
    if (vector == null || !vector.isArray() || vector.isEmpty()) {
      throw ApiException.badRequest("vector must be a non-empty array of numbers: " + SHAPE + ".");
    }
    if (vector.size() > MAX_DIMENSION) {
      throw ApiException.badRequest(
          "vector has " + vector.size() + " numbers; at most " + MAX_DIMENSION + " are accepted.");
    }
    float[] values = new float[vector.size()];
    boolean zero = true;
    for (int i = 0; i < values.length; i++) {
      JsonNode x = vector.get(i);
      if (!x.isNumber()) {
        throw ApiException.badRequest("vector[" + i + "] is not a number.");
      }
      float f = (float) x.asDouble();
      if (!Float.isFinite(f)) {
        throw ApiException.badRequest("vector[" + i + "] is too large for a 32-bit float.");
      }
      values[i] = f;
      zero &= f == 0f;
    }
    if (zero) {
      throw ApiException.badRequest(
          "The vector is all zeros: it has no direction, so no cosine similarity.");
    }
    return values;
  }
}

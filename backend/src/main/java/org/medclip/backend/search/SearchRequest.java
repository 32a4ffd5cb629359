package org.medclip.backend.search;

import java.util.Locale;
import java.util.Set;
import org.medclip.backend.common.ApiException;

/**
 * A validated search request. {@link #parse} turns the raw query parameters or form fields into
 * one, or throws a 400 problem naming the first bad parameter.
 *
 * @param query the text query (stripped; null when none was given)
 * @param mode the search mode, one of the modes allowed by the endpoint
 * @param alpha weight of the vector side in the linear fusion, in [0, 1]
 * @param fusion linear or rrf
 * @param limit results per page, 1..{@value #MAX_LIMIT}
 * @param offset results to skip, 0..{@value #MAX_OFFSET}
 * @param filters filters of every mode
 */
public record SearchRequest(
    String query,
    String mode,
    double alpha,
    String fusion,
    int limit,
    int offset,
    SearchFilters filters) {

  /** Longest accepted text query, in characters; longer queries are refused (400). */
  public static final int MAX_QUERY_LENGTH = 1000;

  /** Largest page. */
  public static final int MAX_LIMIT = 100;

  /** Deepest page start (hybrid search ranks limit + offset candidates per index). */
  public static final int MAX_OFFSET = 10_000;

  /** Largest accepted minWidth / minHeight, in pixels. */
  public static final int MAX_SIDE = 1_000_000;

  private static final Set<String> SPLITS = Set.of("train", "validation", "test");
  private static final Set<String> FUSIONS = Set.of("linear", "rrf");

  /**
   * Validates raw parameters; null or blank means "not given" (except for {@code q}, see below).
   *
   * @param modes the modes this endpoint accepts
   * @param defaultMode the mode when none is given
   * @param queryRequired whether {@code q} is required in every mode ({@code false}: required only
   *     in the modes of {@code queryModes})
   * @param queryModes modes that need a text query
   */
  public static SearchRequest parse(
      String q,
      String mode,
      String alpha,
      String fusion,
      String limit,
      String offset,
      String split,
      String hasCaption,
      String minWidth,
      String minHeight,
      Set<String> modes,
      String defaultMode,
      Set<String> queryModes) {
    String m = isBlank(mode) ? defaultMode : mode.strip().toLowerCase(Locale.ROOT);
    if (!modes.contains(m)) {
      throw ApiException.badRequest(
          "mode must be one of " + String.join(", ", sorted(modes)) + ", got " + quote(mode) + ".");
    }
    String query = null;
    if (q != null) {
      if (q.length() > MAX_QUERY_LENGTH) {
        throw ApiException.badRequest(
            "q is longer than "
                + MAX_QUERY_LENGTH
                + " characters ("
                + q.length()
                + "); shorten the query.");
      }
      query = q.strip();
    }
    if (queryModes.contains(m) && (query == null || query.isEmpty())) {
      throw ApiException.badRequest("q is empty: give a text query for mode " + m + ".");
    }
    if (query != null && query.isEmpty()) {
      query = null;
    }
    double a = parseAlpha(alpha);
    String f = isBlank(fusion) ? "linear" : fusion.strip().toLowerCase(Locale.ROOT);
    if (!FUSIONS.contains(f)) {
      throw ApiException.badRequest("fusion must be linear or rrf, got " + quote(fusion) + ".");
    }
    int l = parseInt("limit", limit, 20, 1, MAX_LIMIT);
    int o = parseInt("offset", offset, 0, 0, MAX_OFFSET);
    String s = null;
    if (!isBlank(split)) {
      s = split.strip().toLowerCase(Locale.ROOT);
      if (!SPLITS.contains(s)) {
        throw ApiException.badRequest(
            "split must be train, validation or test, got " + quote(split) + ".");
      }
    }
    Boolean captioned = null;
    if (!isBlank(hasCaption)) {
      String h = hasCaption.strip().toLowerCase(Locale.ROOT);
      if (!h.equals("true") && !h.equals("false")) {
        throw ApiException.badRequest(
            "hasCaption must be true or false, got " + quote(hasCaption) + ".");
      }
      captioned = Boolean.valueOf(h);
    }
    Integer w = isBlank(minWidth) ? null : parseInt("minWidth", minWidth, 0, 0, MAX_SIDE);
    Integer h = isBlank(minHeight) ? null : parseInt("minHeight", minHeight, 0, 0, MAX_SIDE);
    return new SearchRequest(query, m, a, f, l, o, new SearchFilters(s, captioned, w, h));
  }

  private static double parseAlpha(String raw) {
    if (isBlank(raw)) {
      return 0.5;
    }
    try {
      double a = Double.parseDouble(raw.strip());
      if (a >= 0 && a <= 1) {
        return a;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.badRequest(
        "alpha must be a number between 0 and 1, got " + quote(raw) + ".");
  }

  private static int parseInt(String name, String raw, int fallback, int min, int max) {
    if (isBlank(raw)) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(raw.strip());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.badRequest(
        name + " must be an integer between " + min + " and " + max + ", got " + quote(raw) + ".");
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  // Echoes at most 40 characters of a bad value (JSON-escaped by the serializer).
  private static String quote(String raw) {
    if (raw == null) {
      return "nothing";
    }
    String s = raw.length() > 40 ? raw.substring(0, 40) + "..." : raw;
    return "'" + s + "'";
  }

  private static java.util.List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }
}

package org.medclip.backend.search;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.medclip.backend.common.ApiException;
import org.medclip.backend.image.ImageIds;
import org.medclip.backend.model.ModelRow;
import org.medclip.backend.model.ModelService;
import org.medclip.backend.model.ModelService.ImageEmbedding;
import org.medclip.backend.model.QueryVector;
import org.medclip.backend.search.SearchHit.Scores;
import org.medclip.backend.search.SearchRepository.HitRow;
import org.medclip.clip.EncodedImage;
import org.medclip.clip.image.ImageDecodeException;
import org.medclip.clip.image.ImageDecoder;
import org.medclip.clip.image.ImageInfo;

/**
 * Decides how a search runs: which SQL function, with which query vector (embedded by the serving
 * model), and how a page learns whether more results follow. Ranking is the SQL functions' job.
 */
@ApplicationScoped
public class SearchService {
  /** Largest accepted upload: 10 MiB. */
  public static final long MAX_UPLOAD_BYTES = 10L * 1024 * 1024;

  private final SearchRepository repository;
  private final ModelService models;

  public SearchService(SearchRepository repository, ModelService models) {
    this.repository = repository;
    this.models = models;
  }

  /** Text-to-image search: caption text, the text's vector, or both fused. */
  public SearchResponse search(SearchRequest r) {
    SearchFilters f = r.filters();
    if (r.mode().equals("text")) {
      return page(r, null, (limit, offset) -> repository.text(r.query(), limit, offset, f));
    }
    QueryVector v = models.embedText(r.query());
    return byVector(r, v.vector(), v.modelId(), r.mode().equals("vector"));
  }

  /** Images similar to a corpus image (which is left out of its own results). */
  public SearchResponse similar(String imageId, SearchRequest r) {
    if (!ImageIds.isValid(imageId)) {
      throw ApiException.notFound("No image has this id.");
    }
    return page(
        r,
        null,
        (limit, offset) ->
            repository.similar(
                imageId, r.mode(), r.alpha(), r.fusion(), limit, offset, r.filters()));
  }

  /**
   * Search by an uploaded image: its vector alone ({@code image}) or fused with a text ({@code
   * hybrid}). The upload is checked (size, format, header's pixel count) before it is decoded.
   */
  public SearchResponse searchByImage(UploadedImage upload, SearchRequest r) {
    byte[] bytes = readUpload(upload);
    ImageInfo info;
    try {
      info = ImageDecoder.probe(bytes, "upload");
    } catch (ImageDecodeException e) {
      throw uploadProblem(e);
    }
    if (info.pixels() > ImageDecoder.MAX_PIXELS) {
      throw ApiException.badRequest(
          "The image has "
              + info.width()
              + " x "
              + info.height()
              + " pixels, more than the limit of 100 megapixels.");
    }
    ImageEmbedding embedding = models.embedImage(new EncodedImage("upload", bytes));
    if (!embedding.result().isOk()) {
      Exception error = embedding.result().error();
      if (error instanceof ImageDecodeException decode) {
        throw uploadProblem(decode);
      }
      throw new IllegalStateException("embedding the upload failed", error);
    }
    return byVector(r, embedding.result().vector(), embedding.modelId(), r.mode().equals("image"));
  }

  /**
   * Search by a vector the caller computed with the active model: alone ({@code vector}) or fused
   * with a text ({@code hybrid}). The vector must have the active model's dimension; {@code
   * modelId}, when given, must be the active model's id.
   */
  public SearchResponse searchByVector(float[] vector, Long modelId, SearchRequest r) {
    ModelRow active = models.active();
    if (modelId != null && modelId != active.id()) {
      throw ApiException.conflict(
          "The vector is from model "
              + modelId
              + ", but model "
              + active.id()
              + " ('"
              + active.name()
              + "') is the active one; search with a vector of the active model.");
    }
    if (vector.length != active.dimension()) {
      throw ApiException.badRequest(
          "The vector has "
              + vector.length
              + " dimensions; the active model '"
              + active.name()
              + "' has "
              + active.dimension()
              + ".");
    }
    return byVector(r, vector, active.id(), r.mode().equals("vector"));
  }

  /** A query vector's nearest images ({@code alone}), or fused with the request's text. */
  private SearchResponse byVector(SearchRequest r, float[] vector, long modelId, boolean alone) {
    SearchFilters f = r.filters();
    if (alone) {
      return page(
          r, modelId, (limit, offset) -> repository.vector(vector, modelId, limit, offset, f));
    }
    return page(
        r,
        modelId,
        (limit, offset) ->
            repository.hybrid(r.query(), vector, modelId, r.alpha(), r.fusion(), limit, offset, f));
  }

  private static byte[] readUpload(UploadedImage upload) {
    if (upload == null || upload.file() == null) {
      throw ApiException.badRequest("The image is missing: send it as the multipart part 'file'.");
    }
    if (upload.size() > MAX_UPLOAD_BYTES) {
      throw tooLarge();
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(upload.file());
    } catch (IOException e) {
      throw ApiException.badRequest("The uploaded file could not be read.");
    }
    if (bytes.length == 0) {
      throw ApiException.badRequest("The uploaded file is empty.");
    }
    if (bytes.length > MAX_UPLOAD_BYTES) {
      throw tooLarge();
    }
    return bytes;
  }

  private static ApiException tooLarge() {
    return new ApiException(413, "The uploaded file is larger than 10 MB (10,485,760 bytes).");
  }

  private static ApiException uploadProblem(ImageDecodeException e) {
    return switch (e.reason()) {
      case EMPTY -> ApiException.badRequest("The uploaded file is empty.");
      case NOT_AN_IMAGE, UNSUPPORTED_FORMAT ->
          new ApiException(415, "The upload is not a JPEG, PNG, GIF or BMP image.");
      case CORRUPT ->
          ApiException.badRequest("The image is damaged or truncated and cannot be decoded.");
      case TOO_LARGE ->
          ApiException.badRequest("The image is too large to decode (over 100 megapixels).");
      case IO_ERROR -> ApiException.badRequest("The uploaded file could not be read.");
    };
  }

  /**
   * One page: asks the SQL function for limit + 1 rows to learn whether more follow (the functions
   * return at most 100 rows, so a page of 100 probes the next row with a second call).
   */
  private static SearchResponse page(
      SearchRequest r, Long modelId, BiFunction<Integer, Integer, List<HitRow>> fetch) {
    int limit = r.limit();
    int offset = r.offset();
    List<HitRow> rows;
    boolean hasMore;
    if (limit < SearchRequest.MAX_LIMIT) {
      rows = fetch.apply(limit + 1, offset);
      hasMore = rows.size() > limit;
      if (hasMore) {
        rows = rows.subList(0, limit);
      }
    } else {
      rows = fetch.apply(limit, offset);
      hasMore = rows.size() == limit && !fetch.apply(1, offset + limit).isEmpty();
    }
    List<SearchHit> items = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      HitRow h = rows.get(i);
      items.add(
          new SearchHit(
              offset + i + 1,
              h.id(),
              h.split(),
              h.caption(),
              h.snippet(),
              h.width(),
              h.height(),
              new Scores(h.textScore(), h.vectorScore(), h.score()),
              h.hasThumbnail() ? "/api/images/" + h.id() + "/thumbnail" : null));
    }
    return new SearchResponse(r.mode(), modelId, limit, offset, hasMore, items);
  }
}

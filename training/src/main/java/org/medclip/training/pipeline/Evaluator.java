package org.medclip.training.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.medclip.clip.corpus.ImageRecord;

/**
 * Evaluates a model on one split: embeds every image and caption (images in chunks of {@value
 * #CHUNK}, so memory holds the embeddings, never all pixels), drops the pairs whose image cannot be
 * decoded, and computes {@link RetrievalMetrics}' in-batch MRR@k and corpus retrieval over the
 * rest, in the split's manifest order (sorted by id).
 */
public final class Evaluator {
  /** Images embedded per call of the embedder. */
  static final int CHUNK = 256;

  private Evaluator() {}

  /**
   * An evaluation with the similarity matrix of its first batch (for the heatmap).
   *
   * @param report the metrics
   * @param firstBatch cosine similarities image i x caption j of the first in-batch batch
   * @param firstBatchCaptions the captions of that batch
   */
  public record Result(
      EvaluationReport report, float[][] firstBatch, List<String> firstBatchCaptions) {}

  /**
   * Embeds the pairs of {@code records} and measures them.
   *
   * @param name run name for tables
   * @param corpus where the image files are
   * @param records the pairs (usually the test split), in order
   * @param embedder the model
   * @param batchSize in-batch size (64 in the study)
   */
  public static Result evaluate(
      String name, Corpus corpus, List<ImageRecord> records, Embedder embedder, int batchSize) {
    long t0 = System.nanoTime();
    List<float[]> images = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    int skipped = 0;
    for (int start = 0; start < records.size(); start += CHUNK) {
      List<ImageRecord> chunk = records.subList(start, Math.min(records.size(), start + CHUNK));
      List<Path> files = chunk.stream().map(corpus::file).toList();
      float[][] rows = embedder.embedImages(files);
      for (int i = 0; i < rows.length; i++) {
        if (rows[i] == null) {
          skipped++;
        } else {
          images.add(rows[i]);
          captions.add(chunk.get(i).caption());
          ids.add(chunk.get(i).id());
        }
      }
    }
    float[][] img = images.toArray(new float[0][]);
    float[][] txt = embedder.embedTexts(captions);
    int[] groups = RetrievalMetrics.groupsOf(captions);
    Map<Integer, Double> mrr =
        RetrievalMetrics.inBatchMrr(img, txt, groups, batchSize, RetrievalMetrics.STUDY_KS);
    Map<Integer, Double> ceiling = Map.of();
    Map<String, String> meanings = Semantics.read(corpus.root());
    if (!meanings.isEmpty() && ids.stream().allMatch(meanings::containsKey)) {
      List<String> meaning = ids.stream().map(meanings::get).toList();
      ceiling =
          RetrievalMetrics.inBatchCeiling(
              RetrievalMetrics.groupsOf(meaning), groups, batchSize, RetrievalMetrics.STUDY_KS);
    }
    RetrievalMetrics.Directional t2i = RetrievalMetrics.corpus(txt, img, groups);
    RetrievalMetrics.Directional i2t = RetrievalMetrics.corpus(img, txt, groups);
    int n = img.length;
    int last = n == 0 ? 0 : (n % batchSize == 0 ? batchSize : n % batchSize);
    int distinct = (int) java.util.Arrays.stream(groups).distinct().count();
    int first = Math.min(n, batchSize);
    float[][] heat = RetrievalMetrics.similarity(img, txt, 0, first);
    String split = records.isEmpty() ? "" : records.get(0).split().label();
    EvaluationReport report =
        new EvaluationReport(
            name,
            embedder.description(),
            split,
            n,
            skipped,
            batchSize,
            Math.min(last, n),
            distinct,
            mrr,
            ceiling,
            t2i,
            i2t,
            (System.nanoTime() - t0) / 1e9);
    return new Result(report, heat, List.copyOf(captions.subList(0, first)));
  }
}

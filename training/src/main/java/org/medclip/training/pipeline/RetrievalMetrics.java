package org.medclip.training.pipeline;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * The evaluation metrics, in plain Java over {@code float[][]} embeddings (rows are L2-normalised,
 * so the dot product is the cosine similarity; nothing here re-normalises).
 *
 * <p><b>Pairs.</b> Row {@code i} of the image matrix and row {@code i} of the text matrix are a
 * pair (an image and its own caption).
 *
 * <p><b>Caption groups.</b> {@code group[i]} identifies the text of caption {@code i}: two captions
 * with the same text have the same group (see {@link #groupsOf}). A candidate of the query's own
 * group counts as the true answer, never as a competitor: identical texts have identical
 * embeddings, so no model can order them, and an image whose caption occurs twice in a batch is not
 * wrong when it picks the other copy. Without groups ({@code group == null}) every row is its own
 * group, which is the plain "only row i is right" rule.
 *
 * <p><b>Ties (pessimistic).</b> The rank of the true answer is {@code 1 + } the number of
 * candidates of ANOTHER group whose score is {@code >=} the best score of the query's group. A
 * competitor with exactly the true score therefore ranks ahead of it. A model that maps everything
 * to one vector thus gets rank n (the worst), never rank 1, and the result does not depend on the
 * order of the candidates.
 *
 * <p><b>In-batch MRR@k</b> (the reference study's metric): the rows are cut, in order and without
 * shuffling, into consecutive batches of {@code batchSize}; the LAST PARTIAL BATCH IS INCLUDED as a
 * smaller batch (its images compete with fewer captions). For each image the captions of its batch
 * are ranked by similarity; {@code MRR@k = mean over all images of (rank <= k ? 1/rank : 0)}. Top-1
 * accuracy is the fraction with rank 1 ({@code == MRR@1}).
 *
 * <p><b>Corpus retrieval</b> (what a search user feels): every caption queries ALL images
 * (text-to-image) and every image queries ALL captions (image-to-text), exact search; {@code
 * Recall@k} = fraction of queries whose true answer has rank {@code <= k}; {@code MRR@10} as above
 * with k = 10. Cost: {@code 2 * n^2 * d} multiply-adds, parallel over queries, no n x n matrix is
 * kept.
 */
public final class RetrievalMetrics {

  /** The study's k values for in-batch MRR@k. */
  public static final int[] STUDY_KS = {1, 3, 5, 10, 20};

  /** k values of corpus-level Recall@k. */
  public static final int[] RECALL_KS = {1, 5, 10};

  private RetrievalMetrics() {}

  /**
   * Corpus-level results of one direction.
   *
   * @param recall Recall@k by k (fractions in [0, 1])
   * @param mrrAt10 MRR@10 in [0, 1]
   * @param queries number of queries
   */
  public record Directional(Map<Integer, Double> recall, double mrrAt10, int queries) {}

  /**
   * Group ids for captions: equal texts (exactly, after {@link String#strip()}) get the same id,
   * numbered in order of first appearance.
   */
  public static int[] groupsOf(List<String> captions) {
    Map<String, Integer> ids = new HashMap<>();
    int[] out = new int[captions.size()];
    for (int i = 0; i < out.length; i++) {
      String c = Objects.requireNonNull(captions.get(i), "caption " + i).strip();
      out[i] = ids.computeIfAbsent(c, k -> ids.size());
    }
    return out;
  }

  /** Dot product of two rows of equal length. */
  public static double dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("rows differ in length: " + a.length + " vs " + b.length);
    }
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  /**
   * The rank of the true answer among candidates with the pessimistic tie rule (see class comment).
   *
   * @param scores score of each candidate
   * @param group group of each candidate
   * @param trueGroup the query's group; at least one candidate must belong to it
   * @return rank, 1-based
   */
  public static int rank(double[] scores, int[] group, int trueGroup) {
    double best = Double.NEGATIVE_INFINITY;
    boolean found = false;
    for (int j = 0; j < scores.length; j++) {
      if (group[j] == trueGroup) {
        best = Math.max(best, scores[j]);
        found = true;
      }
    }
    if (!found) {
      throw new IllegalArgumentException("no candidate belongs to the true group " + trueGroup);
    }
    int ahead = 0;
    for (int j = 0; j < scores.length; j++) {
      if (group[j] != trueGroup && scores[j] >= best) {
        ahead++;
      }
    }
    return 1 + ahead;
  }

  /**
   * In-batch image-to-caption ranks, one per image (see class comment).
   *
   * @param images n image rows
   * @param texts n caption rows, row i is the caption of image i
   * @param group caption groups, or null for "only row i is right"
   * @param batchSize batch size, at least 1
   */
  public static int[] inBatchRanks(float[][] images, float[][] texts, int[] group, int batchSize) {
    int n = checkPairs(images, texts, group);
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    int[] g = group == null ? identity(n) : group;
    int[] ranks = new int[n];
    for (int start = 0; start < n; start += batchSize) {
      int end = Math.min(n, start + batchSize);
      int[] bg = Arrays.copyOfRange(g, start, end);
      for (int i = start; i < end; i++) {
        double[] scores = new double[end - start];
        for (int j = start; j < end; j++) {
          scores[j - start] = dot(images[i], texts[j]);
        }
        ranks[i] = rank(scores, bg, g[i]);
      }
    }
    return ranks;
  }

  /** {@code MRR@k} from ranks: mean of {@code rank <= k ? 1/rank : 0}; 0 for no ranks. */
  public static double mrrAt(int[] ranks, int k) {
    if (ranks.length == 0) {
      return 0;
    }
    double sum = 0;
    for (int r : ranks) {
      if (r <= k) {
        sum += 1.0 / r;
      }
    }
    return sum / ranks.length;
  }

  /** {@code Recall@k} from ranks: fraction with {@code rank <= k}; 0 for no ranks. */
  public static double recallAt(int[] ranks, int k) {
    if (ranks.length == 0) {
      return 0;
    }
    long hits = Arrays.stream(ranks).filter(r -> r <= k).count();
    return (double) hits / ranks.length;
  }

  /**
   * The study's in-batch MRR@k for each k.
   *
   * @return MRR@k by k, in the order of {@code ks}
   */
  public static Map<Integer, Double> inBatchMrr(
      float[][] images, float[][] texts, int[] group, int batchSize, int... ks) {
    int[] ranks = inBatchRanks(images, texts, group, batchSize);
    Map<Integer, Double> out = new LinkedHashMap<>();
    for (int k : ks) {
      out.put(k, mrrAt(ranks, k));
    }
    return out;
  }

  /**
   * The in-batch MRR@k a PERFECT model would get: one that gives every caption with the same
   * meaning as the image the same, highest score. Captions of the true caption's text group count
   * as the true answer (as in {@link #inBatchMrr}); the other captions of the same meaning are
   * indistinguishable from it, so a perfect model places the true answer at a uniformly random
   * position among them: with {@code c} such competitors in the batch, {@code E[MRR@k] = (1/(c+1))
   * * sum_{r=1..min(k,c+1)} 1/r}. Same batches as {@link #inBatchMrr} (last partial batch
   * included).
   *
   * @param meaning meaning group per pair (equal ids = captions that mean the same)
   * @param group caption text group per pair (see {@link #groupsOf})
   * @return expected MRR@k by k, in the order of {@code ks}
   */
  public static Map<Integer, Double> inBatchCeiling(
      int[] meaning, int[] group, int batchSize, int... ks) {
    if (meaning.length != group.length) {
      throw new IllegalArgumentException(
          "meaning and group differ in length: " + meaning.length + " vs " + group.length);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    int n = meaning.length;
    Map<Integer, Double> out = new LinkedHashMap<>();
    for (int k : ks) {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        int start = i / batchSize * batchSize;
        int end = Math.min(n, start + batchSize);
        int c = 0;
        for (int j = start; j < end; j++) {
          if (meaning[j] == meaning[i] && group[j] != group[i]) {
            c++;
          }
        }
        double expected = 0;
        for (int r = 1; r <= Math.min(k, c + 1); r++) {
          expected += 1.0 / r;
        }
        sum += expected / (c + 1);
      }
      out.put(k, n == 0 ? 0.0 : sum / n);
    }
    return out;
  }

  /**
   * Ranks of the true answer for every query against ALL candidates (exact search).
   *
   * @param queries n query rows
   * @param candidates n candidate rows; candidate i is the true answer of query i
   * @param group groups shared by queries and candidates (caption groups), or null
   */
  public static int[] corpusRanks(float[][] queries, float[][] candidates, int[] group) {
    int n = checkPairs(queries, candidates, group);
    int[] g = group == null ? identity(n) : group;
    int[] ranks = new int[n];
    IntStream.range(0, n)
        .parallel()
        .forEach(
            i -> {
              double[] scores = new double[n];
              for (int j = 0; j < n; j++) {
                scores[j] = dot(queries[i], candidates[j]);
              }
              ranks[i] = rank(scores, g, g[i]);
            });
    return ranks;
  }

  /** Recall@1/5/10 and MRR@10 of one direction. */
  public static Directional corpus(float[][] queries, float[][] candidates, int[] group) {
    int[] ranks = corpusRanks(queries, candidates, group);
    Map<Integer, Double> recall = new LinkedHashMap<>();
    for (int k : RECALL_KS) {
      recall.put(k, recallAt(ranks, k));
    }
    return new Directional(recall, mrrAt(ranks, 10), ranks.length);
  }

  /**
   * Mean symmetric contrastive loss of one batch (nats), as {@code ContrastiveLoss}: cross-entropy
   * of {@code exp(logitScale) * I T^T} over rows (image to text) and over columns (text to image),
   * averaged over the batch and the two directions. Row i's target is column i (groups are not
   * used: this is the training objective, not a ranking).
   */
  public static double contrastiveLoss(float[][] images, float[][] texts, double logitScale) {
    int n = checkPairs(images, texts, null);
    if (n == 0) {
      return 0;
    }
    double scale = Math.exp(logitScale);
    double[][] logits = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        logits[i][j] = scale * dot(images[i], texts[j]);
      }
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
      double rowMax = Double.NEGATIVE_INFINITY;
      double colMax = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        rowMax = Math.max(rowMax, logits[i][j]);
        colMax = Math.max(colMax, logits[j][i]);
      }
      double rowZ = 0;
      double colZ = 0;
      for (int j = 0; j < n; j++) {
        rowZ += Math.exp(logits[i][j] - rowMax);
        colZ += Math.exp(logits[j][i] - colMax);
      }
      total += (rowMax + Math.log(rowZ) - logits[i][i]) + (colMax + Math.log(colZ) - logits[i][i]);
    }
    return total / (2.0 * n);
  }

  /** The similarity matrix {@code images[from..to) x texts[from..to)} (for the heatmap). */
  public static float[][] similarity(float[][] images, float[][] texts, int from, int to) {
    float[][] out = new float[to - from][to - from];
    for (int i = from; i < to; i++) {
      for (int j = from; j < to; j++) {
        out[i - from][j - from] = (float) dot(images[i], texts[j]);
      }
    }
    return out;
  }

  private static int checkPairs(float[][] a, float[][] b, int[] group) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "need as many images as captions, got " + a.length + " and " + b.length);
    }
    if (group != null && group.length != a.length) {
      throw new IllegalArgumentException(
          "need one group per pair, got " + group.length + " for " + a.length);
    }
    return a.length;
  }

  private static int[] identity(int n) {
    int[] g = new int[n];
    for (int i = 0; i < n; i++) {
      g[i] = i;
    }
    return g;
  }
}

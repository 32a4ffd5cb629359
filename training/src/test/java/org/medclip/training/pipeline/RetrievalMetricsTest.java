package org.medclip.training.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetrievalMetricsTest {

  /** Unit vector at angle a (radians). */
  private static float[] at(double a) {
    return new float[] {(float) Math.cos(a), (float) Math.sin(a)};
  }

  private static float[][] basis(int n) {
    float[][] out = new float[n][n];
    for (int i = 0; i < n; i++) {
      out[i][i] = 1f;
    }
    return out;
  }

  @Test
  void perfectEmbeddingsRankEveryTrueCaptionFirst() {
    float[][] e = basis(5);
    Map<Integer, Double> mrr = RetrievalMetrics.inBatchMrr(e, e, null, 64, 1, 3, 5, 10, 20);
    mrr.values().forEach(v -> assertEquals(1.0, v, 0));
    RetrievalMetrics.Directional d = RetrievalMetrics.corpus(e, e, null);
    assertEquals(1.0, d.recall().get(1), 0);
    assertEquals(1.0, d.mrrAt10(), 0);
  }

  @Test
  void knownRanksGiveKnownMrrAtEachCutoff() {
    // Texts on the unit circle at 0, 10, 20, 30, 40 degrees. Image i points at text (4 - i),
    // so image i's own caption lies |4 - 2i| steps away; ranks by distance are known:
    // image 0 -> text 4 at distance 0, own text 0 is 4 steps away: rank 5.
    float[][] txt = new float[5][];
    float[][] img = new float[5][];
    for (int i = 0; i < 5; i++) {
      txt[i] = at(Math.toRadians(10 * i));
      img[i] = at(Math.toRadians(10 * (4 - i)));
    }
    int[] ranks = RetrievalMetrics.inBatchRanks(img, txt, null, 5);
    // image 0 at 40 deg: order 4,3,2,1,0 -> rank 5. image 1 at 30: 3 (0), {2,4} (10), {1} (20) ->
    // own text 1 has distance 20: ahead are 3, 2, 4 -> rank 4. image 2 at 20: own text -> rank 1.
    assertArrayEquals(new int[] {5, 4, 1, 4, 5}, ranks);
    assertEquals(1.0 / 5, RetrievalMetrics.mrrAt(ranks, 1), 1e-12);
    assertEquals(1.0 / 5, RetrievalMetrics.mrrAt(ranks, 3), 1e-12);
    assertEquals((1 + 0.25 + 0.25) / 5, RetrievalMetrics.mrrAt(ranks, 4), 1e-12);
    assertEquals((1 + 0.25 + 0.25 + 0.2 + 0.2) / 5, RetrievalMetrics.mrrAt(ranks, 5), 1e-12);
    assertEquals(0.2, RetrievalMetrics.recallAt(ranks, 1), 1e-12);
    assertEquals(0.6, RetrievalMetrics.recallAt(ranks, 4), 1e-12);
  }

  @Test
  void tiesCountAgainstTheTrueCaption() {
    // Every embedding identical: every score ties, the true caption ranks last.
    float[][] same = new float[4][];
    for (int i = 0; i < 4; i++) {
      same[i] = new float[] {1f, 0f};
    }
    assertArrayEquals(new int[] {4, 4, 4, 4}, RetrievalMetrics.inBatchRanks(same, same, null, 4));
    assertEquals(0.25, RetrievalMetrics.inBatchMrr(same, same, null, 4, 10).get(10), 1e-12);
    // One competitor ties exactly with the true score, one is lower: rank 2.
    double[] scores = {0.5, 0.5, 0.1};
    assertEquals(2, RetrievalMetrics.rank(scores, new int[] {0, 1, 2}, 0));
    assertEquals(2, RetrievalMetrics.rank(scores, new int[] {0, 1, 2}, 1));
  }

  @Test
  void captionsWithTheSameTextCountAsTheTrueCaption() {
    List<String> captions = List.of("normal chest", "nodule", "normal chest ", "fracture");
    int[] groups = RetrievalMetrics.groupsOf(captions);
    assertArrayEquals(new int[] {0, 1, 0, 2}, groups);
    // Texts 0 and 2 are the same text, hence the same vector; image 0 and 2 point at it.
    float[][] txt = {at(0), at(1.0), at(0), at(2.0)};
    float[][] img = {at(0), at(1.0), at(0), at(2.0)};
    assertArrayEquals(new int[] {1, 1, 1, 1}, RetrievalMetrics.inBatchRanks(img, txt, groups, 4));
    // Without groups the duplicate ties with the true caption and counts against it.
    assertArrayEquals(new int[] {2, 1, 2, 1}, RetrievalMetrics.inBatchRanks(img, txt, null, 4));
    RetrievalMetrics.Directional t2i = RetrievalMetrics.corpus(txt, img, groups);
    assertEquals(1.0, t2i.recall().get(1), 0);
  }

  @Test
  void batchesAreConsecutiveAndTheLastPartialBatchIsIncluded() {
    // 5 pairs, batch 2: batches {0,1}, {2,3}, {4}. Image i is closer to text i^1 (its batch
    // neighbour) than to its own, so in full batches every rank is 2; alone, image 4 ranks 1.
    float[][] txt = new float[5][];
    float[][] img = new float[5][];
    for (int i = 0; i < 5; i++) {
      txt[i] = at(i * 0.5);
    }
    for (int i = 0; i < 4; i++) {
      img[i] = at((i ^ 1) * 0.5);
    }
    img[4] = at(3.0);
    assertArrayEquals(new int[] {2, 2, 2, 2, 1}, RetrievalMetrics.inBatchRanks(img, txt, null, 2));
    assertEquals(
        (4 * 0.5 + 1) / 5, RetrievalMetrics.inBatchMrr(img, txt, null, 2, 3).get(3), 1e-12);
    // Against the whole corpus image 4 (at 3.0 rad) is nearest to text 4 (2.0 rad) of all texts.
    assertEquals(1, RetrievalMetrics.corpusRanks(img, txt, null)[4]);
  }

  @Test
  void theCeilingIsTheExpectedMrrOfAPerfectModelAmongCaptionsThatMeanTheSame() {
    // Batch of 4: pairs 0 and 1 mean the same (worded differently), 2 and 3 are unique.
    int[] meaning = {0, 0, 1, 2};
    int[] text = {0, 1, 2, 3};
    Map<Integer, Double> c = RetrievalMetrics.inBatchCeiling(meaning, text, 4, 1, 3);
    // Pairs 0 and 1: rank 1 or 2 with probability 1/2 each: MRR@1 1/2, MRR@3 (1 + 1/2) / 2.
    assertEquals((0.5 + 0.5 + 1 + 1) / 4, c.get(1), 1e-12);
    assertEquals((0.75 + 0.75 + 1 + 1) / 4, c.get(3), 1e-12);
    // The same text is the true caption, never a competitor.
    assertEquals(
        1.0, RetrievalMetrics.inBatchCeiling(meaning, new int[] {0, 0, 2, 3}, 4, 1).get(1));
    // Only captions of the same batch compete: batches {0, 2} and {1, 3} after reordering.
    int[] split = {0, 1, 0, 2};
    assertEquals(1.0, RetrievalMetrics.inBatchCeiling(split, text, 2, 1).get(1), 1e-12);
    // Three of a meaning in one batch: 1/3 at k = 1, (1 + 1/2 + 1/3) / 3 at k >= 3.
    Map<Integer, Double> three =
        RetrievalMetrics.inBatchCeiling(new int[] {5, 5, 5}, new int[] {0, 1, 2}, 64, 1, 3, 20);
    assertEquals(1.0 / 3, three.get(1), 1e-12);
    assertEquals((1 + 0.5 + 1.0 / 3) / 3, three.get(3), 1e-12);
    assertEquals(three.get(3), three.get(20), 1e-12);
  }

  @Test
  void corpusRecallAndMrrAt10() {
    // 12 texts on a half circle, every image points at text 0: image i's own text ranks i + 1.
    int n = 12;
    float[][] txt = new float[n][];
    float[][] img = new float[n][];
    for (int i = 0; i < n; i++) {
      txt[i] = at(i * 0.1);
      img[i] = at(-0.05);
    }
    RetrievalMetrics.Directional d = RetrievalMetrics.corpus(img, txt, null);
    assertEquals(1.0 / 12, d.recall().get(1), 1e-12);
    assertEquals(5.0 / 12, d.recall().get(5), 1e-12);
    assertEquals(10.0 / 12, d.recall().get(10), 1e-12);
    double h10 = 0;
    for (int r = 1; r <= 10; r++) {
      h10 += 1.0 / r;
    }
    assertEquals(h10 / 12, d.mrrAt10(), 1e-12);
    assertEquals(n, d.queries());
  }

  @Test
  void contrastiveLossMatchesHandComputation() {
    float[][] img = {{1, 0}, {0.6f, 0.8f}, {0, 1}};
    float[][] txt = {{0.8f, 0.6f}, {0, 1}, {1, 0}};
    double logitScale = 1.5;
    double s = Math.exp(logitScale);
    double expected = 0;
    for (int dir = 0; dir < 2; dir++) {
      for (int i = 0; i < 3; i++) {
        double z = 0;
        double own = 0;
        for (int j = 0; j < 3; j++) {
          float[] a = dir == 0 ? img[i] : txt[i];
          float[] b = dir == 0 ? txt[j] : img[j];
          double l = s * (a[0] * b[0] + a[1] * b[1]);
          z += Math.exp(l);
          if (j == i) {
            own = l;
          }
        }
        expected += (Math.log(z) - own) / 6;
      }
    }
    assertEquals(expected, RetrievalMetrics.contrastiveLoss(img, txt, logitScale), 1e-7);
  }

  @Test
  void mismatchedInputsAreRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> RetrievalMetrics.inBatchRanks(basis(3), basis(2), null, 2));
    assertThrows(
        IllegalArgumentException.class,
        () -> RetrievalMetrics.inBatchRanks(basis(3), basis(3), null, 0));
    assertEquals(0.0, RetrievalMetrics.mrrAt(new int[0], 1), 0);
  }
}

package org.medclip.training.train;

import java.util.Random;
import org.medclip.clip.ClipConfig;

/** A deterministic synthetic batch of image/text pairs for tests (no real or medical data). */
record SyntheticBatch(float[] pixels, long[][] ids) {

  static SyntheticBatch of(ClipConfig cfg, int n, long seed) {
    Random r = new Random(seed);
    int s = cfg.vision().imageSize();
    float[] px = new float[n * 3 * s * s];
    for (int i = 0; i < px.length; i++) {
      px[i] = (float) r.nextGaussian();
    }
    int len = 8;
    long[][] ids = new long[n][len];
    ClipConfig.TextConfig t = cfg.text();
    for (int i = 0; i < n; i++) {
      int words = 1 + r.nextInt(len - 2);
      ids[i][0] = t.bosTokenId();
      for (int j = 1; j <= words; j++) {
        ids[i][j] = 3 + r.nextInt(t.vocabSize() - 3);
      }
      ids[i][words + 1] = t.eosTokenId();
      for (int j = words + 2; j < len; j++) {
        ids[i][j] = t.padTokenId();
      }
    }
    return new SyntheticBatch(px, ids);
  }
}

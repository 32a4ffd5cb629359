package org.medclip.training.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medclip.clip.corpus.ImageRecord;
import org.medclip.clip.corpus.Split;
import org.medclip.clip.image.ImagePreprocessor;
import org.medclip.clip.text.ClipTokenizer;

class PrefetcherTest {
  @TempDir static Path tmp;
  static Corpus corpus;

  @BeforeAll
  static void corpus() throws Exception {
    corpus = Corpus.open(TinyCorpus.generate(tmp), null, 42);
  }

  private static List<Batch> all(Prefetcher p) {
    List<Batch> out = new ArrayList<>();
    while (p.hasNext()) {
      out.add(p.next());
    }
    return out;
  }

  @Test
  void prefetchedBatchesEqualTheSynchronousOnes() throws Exception {
    List<ImageRecord> train = corpus.require(Split.TRAIN);
    StartModel start =
        StartModel.fromScratch("tiny", corpus, TinyCorpus.config(), tmp.resolve("tok.json"));
    ImagePreprocessor pre = ImagePreprocessor.clipDefaults(32);
    try (ClipTokenizer tok = FineTuner.loadTokenizer(start.tokenizerJson(), start.config())) {
      BatchLoader loader = new BatchLoader(corpus, train, pre, tok);
      List<int[]> batches = Prefetcher.chunk(new ReplacementSampler(3).draw(45, train.size()), 8);
      assertEquals(6, batches.size());
      List<Batch> sync;
      try (Prefetcher p = new Prefetcher(loader, batches, 1, 0)) {
        sync = all(p);
      }
      List<Batch> ahead;
      try (Prefetcher p = new Prefetcher(loader, batches, 2, 3)) {
        ahead = all(p);
      }
      assertEquals(sync.size(), ahead.size());
      for (int i = 0; i < sync.size(); i++) {
        Batch a = sync.get(i);
        Batch b = ahead.get(i);
        assertEquals(i, b.index());
        assertEquals(a.size(), b.size());
        assertEquals(i == 5 ? 5 : 8, b.size());
        assertArrayEquals(a.pixels(), b.pixels());
        assertArrayEquals(a.ids(), b.ids());
        // Pre-tokenised rows padded per batch are exactly the tokenizer's own batch.
        assertArrayEquals(tok.encodeBatch(a.captions()).toArray(), a.ids());
        assertEquals(a.captions(), b.captions());
      }
      // Closing early with batches in flight does not hang or leak work.
      Prefetcher early = new Prefetcher(loader, batches, 2, 3);
      early.next();
      early.close();
    }
  }

  @Test
  void undecodableImagesAreDroppedAndCounted() throws Exception {
    List<ImageRecord> train = corpus.require(Split.TRAIN);
    Path bad = corpus.root().resolve("training/broken.png");
    java.nio.file.Files.writeString(bad, "not a png");
    List<ImageRecord> records =
        List.of(
            train.get(0),
            new ImageRecord("broken", Split.TRAIN, "training/broken.png", "a broken image"),
            train.get(1));
    StartModel start =
        StartModel.fromScratch("tiny", corpus, TinyCorpus.config(), tmp.resolve("tok2.json"));
    try (ClipTokenizer tok = FineTuner.loadTokenizer(start.tokenizerJson(), start.config())) {
      BatchLoader loader =
          new BatchLoader(corpus, records, ImagePreprocessor.clipDefaults(32), tok);
      Batch b = loader.load(0, new int[] {0, 1, 2, 1});
      assertEquals(2, b.size());
      assertEquals(2, b.dropped());
      assertEquals(List.of(train.get(0).caption(), train.get(1).caption()), b.captions());
      assertEquals(2 * 3 * 32 * 32, b.pixels().length);
      assertEquals(2, b.ids().length);
    }
  }

  @Test
  void loaderFailuresSurfaceOnNext() {
    BatchLoader broken =
        new BatchLoader(corpus, List.of(), ImagePreprocessor.clipDefaults(32), null);
    try (Prefetcher p = new Prefetcher(broken, List.of(new int[] {0}), 1, 1)) {
      assertThrows(IllegalStateException.class, p::next);
      assertFalse(p.hasNext());
    }
  }
}

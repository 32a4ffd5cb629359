package org.medclip.training.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medclip.training.weights.NamedTensor;
import org.medclip.training.weights.StateDict;

class CheckpointTest {

  @Test
  void roundTripsStepKeysShapesAndExactValues(@TempDir Path dir) throws IOException {
    float[] big = new float[70_000]; // spans several I/O chunks
    for (int i = 0; i < big.length; i++) {
      big[i] = (float) Math.sin(i) * 1e-3f;
    }
    big[5] = Float.MIN_VALUE;
    big[6] = -0f;
    StateDict w = new StateDict();
    w.put("logit_scale", new NamedTensor(new long[0], new float[] {4.6052f}));
    w.put("a.weight", new NamedTensor(new long[] {700, 100}, big));
    StateDict m = new StateDict();
    m.put("logit_scale", new NamedTensor(new long[0], new float[] {1e-9f}));
    StateDict v = new StateDict();
    v.put("logit_scale", new NamedTensor(new long[0], new float[] {2e-9f}));

    Path file = dir.resolve("sub/ckpt.bin");
    new Checkpoint(123, w, m, v).save(file);
    Checkpoint back = Checkpoint.load(file);

    assertEquals(123, back.step());
    assertEquals(List.copyOf(w.asMap().keySet()), List.copyOf(back.weights().asMap().keySet()));
    assertArrayEquals(new long[0], back.weights().get("logit_scale").shape());
    assertArrayEquals(new long[] {700, 100}, back.weights().get("a.weight").shape());
    assertArrayEquals(big, back.weights().get("a.weight").data()); // bit-exact
    assertEquals(1e-9f, back.firstMoments().get("logit_scale").data()[0]);
    assertEquals(2e-9f, back.secondMoments().get("logit_scale").data()[0]);
    try (var files = Files.list(file.getParent())) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void rejectsOtherFiles(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("not-a-checkpoint.bin");
    Files.writeString(file, "hello, this is not a checkpoint");
    assertThrows(IOException.class, () -> Checkpoint.load(file));
  }
}

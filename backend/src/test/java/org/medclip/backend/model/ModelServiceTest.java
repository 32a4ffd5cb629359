package org.medclip.backend.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.medclip.backend.testing.CorpusTest;
import org.medclip.backend.testing.TestCorpus;
import org.medclip.backend.testing.TestCorpusResource;
import org.medclip.clip.ClipConfig;
import org.medclip.clip.ClipEncoder;
import org.medclip.clip.EncodedImage;
import org.medclip.clip.bundle.ModelSpec;

/** The start-up load of the active model and the bundle/row guard. */
@QuarkusTest
@WithTestResource(value = TestCorpusResource.class, scope = TestResourceScope.GLOBAL)
class ModelServiceTest extends CorpusTest {
  @Inject ModelService service;

  @Test
  void startUpLoadsTheActiveModel() {
    assertEquals(Optional.empty(), service.loadActiveModel());
    assertEquals(Optional.of(models.a()), service.loadedModelId());
  }

  @Test
  void startUpStopsWithOneSentenceWhenTheActiveModelDoesNotMatchItsBundle() throws Exception {
    execute("SELECT activate_model(" + models.wrong() + ")");
    try {
      String sentence = service.loadActiveModel().orElseThrow();
      assertTrue(sentence.startsWith("Model " + models.wrong() + " 'wrong-name' cannot serve: "));
      assertTrue(sentence.contains("dimension 16") && sentence.contains("dimension 8"), sentence);
      assertTrue(sentence.contains("Fix: "), sentence);
      assertTrue(!sentence.contains("\n"), sentence);
    } finally {
      execute("SELECT activate_model(" + models.a() + ")");
    }
  }

  @Test
  void aRowMatchesItsBundleByNameOrNameAtVersionAndDimension() {
    ModelSpec spec =
        ModelSpec.of("clip", "7", ClipConfig.tiny(), ModelSpec.Provenance.unknown(), Map.of());
    assertTrue(ModelService.mismatch(new ModelRow(1, "clip", 24, "active", "/b"), spec).isEmpty());
    assertTrue(
        ModelService.mismatch(new ModelRow(1, "clip@7", 24, "active", "/b"), spec).isEmpty());
    assertTrue(
        ModelService.mismatch(new ModelRow(1, "clip@8", 24, "active", "/b"), spec).isPresent());
    assertEquals(
        "its bundle holds model 'clip' version 7 with dimension 24, but the database registered"
            + " 'clip' with dimension 512",
        ModelService.mismatch(new ModelRow(1, "clip", 512, "active", "/b"), spec).orElseThrow());
  }

  @Test
  void aQueryThatRacedAnActivationIsLabelledWithTheModelThatEmbeddedIt() throws Exception {
    // The race: a request took the serving sessions (model A), then an activation swapped in B
    // and closed A's sessions before the request used them. The retry runs on B, so the vector
    // must come back (and be cached) as B's, never as A's.
    service.embedText("warm the serving model");
    ModelService.Loaded stale = service.loaded().orElseThrow();
    assertEquals(models.a(), stale.row().id());
    String text = "nodule on a chest radiograph";
    byte[] png = TestCorpus.png(TestCorpus.IMAGES.get(0));
    float[] textA;
    float[] textB;
    float[] imageA;
    float[] imageB;
    try (ClipEncoder a = ClipEncoder.open(Path.of(testRoot, "bundles/a"));
        ClipEncoder b = ClipEncoder.open(Path.of(testRoot, "bundles/b"))) {
      textA = a.embedText(text);
      textB = b.embedText(text);
      imageA = a.embedImageBytes(List.of(new EncodedImage("x", png))).get(0).vector();
      imageB = b.embedImageBytes(List.of(new EncodedImage("x", png))).get(0).vector();
    }
    service.activate(models.b());
    try {
      QueryVector raced = service.embedText(stale, text);
      assertEquals(models.b(), raced.modelId());
      assertArrayEquals(textB, raced.vector(), 1e-5f);
      ModelService.ImageEmbedding racedImage =
          service.embedImage(stale, new EncodedImage("upload", png));
      assertEquals(models.b(), racedImage.modelId());
      assertArrayEquals(imageB, racedImage.result().vector(), 1e-5f);
    } finally {
      service.activate(models.a());
    }
    // Nothing of B's was cached under A's id.
    QueryVector back = service.embedText(text);
    assertEquals(models.a(), back.modelId());
    assertArrayEquals(textA, back.vector(), 1e-5f);
    assertArrayEquals(
        imageA, service.embedImage(new EncodedImage("upload", png)).result().vector(), 1e-5f);
  }
}

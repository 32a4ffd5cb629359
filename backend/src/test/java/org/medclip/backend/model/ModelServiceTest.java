package org.medclip.backend.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.medclip.backend.testing.CorpusTest;
import org.medclip.backend.testing.TestCorpusResource;
import org.medclip.clip.ClipConfig;
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
}

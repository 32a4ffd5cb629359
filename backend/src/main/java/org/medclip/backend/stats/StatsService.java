package org.medclip.backend.stats;

import jakarta.enterprise.context.ApplicationScoped;
import org.medclip.backend.model.ModelService;

/** Corpus statistics and the registered models. */
@ApplicationScoped
public class StatsService {
  private final StatsRepository repository;
  private final ModelService models;

  public StatsService(StatsRepository repository, ModelService models) {
    this.repository = repository;
    this.models = models;
  }

  public StatsResponse currentStats() {
    return new StatsResponse(repository.corpus(), models.listModels());
  }
}

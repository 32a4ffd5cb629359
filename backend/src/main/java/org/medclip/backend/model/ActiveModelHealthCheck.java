package org.medclip.backend.model;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: reports the active model. Without one the service is still up (it can ingest and serve
 * caption search), so the check is UP with {@code active=none}.
 */
@Readiness
@ApplicationScoped
public class ActiveModelHealthCheck implements HealthCheck {

  @Override
  @Transactional
  public HealthCheckResponse call() {
    var builder = HealthCheckResponse.named("active-model");
    try {
      return ModelEntity.findActive()
          .map(
              m ->
                  builder
                      .up()
                      .withData("active", m.name)
                      .withData("id", m.id)
                      .withData("dimension", m.dimension)
                      .build())
          .orElseGet(() -> builder.up().withData("active", "none").build());
    } catch (RuntimeException e) {
      return builder.down().withData("error", "database unavailable").build();
    }
  }
}

package org.medclip.backend.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A registered CLIP model (table {@code model}, owned by the Flyway migrations). */
@Entity
@Table(name = "model")
public class ModelEntity extends PanacheEntityBase {
  @Id
  @Column(insertable = false, updatable = false)
  public Long id;

  public String name;

  /** Embedding dimension: every stored vector of this model has it. */
  public int dimension;

  /** indexing, active or retired. */
  public String state;

  @Column(name = "created_at", insertable = false, updatable = false)
  public OffsetDateTime createdAt;

  @JdbcTypeCode(SqlTypes.JSON)
  public String metrics;

  @Column(name = "bundle_location")
  public String bundleLocation;

  /** The serving model, if any (the database guarantees at most one). */
  public static Optional<ModelEntity> findActive() {
    return find("state", "active").firstResultOptional();
  }
}

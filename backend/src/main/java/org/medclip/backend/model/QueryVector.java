package org.medclip.backend.model;

/**
 * A query embedded by the serving model.
 *
 * @param modelId the model whose vectors the query must be compared with
 * @param vector L2-normalised, {@code dimension} floats; shared, never modify
 */
public record QueryVector(long modelId, float[] vector) {}

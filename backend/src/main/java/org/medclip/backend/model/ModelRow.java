package org.medclip.backend.model;

/**
 * A row of table {@code model} as the service needs it.
 *
 * @param id model id
 * @param name unique model name
 * @param dimension embedding dimension of every stored vector of the model
 * @param state indexing, active or retired
 * @param bundleLocation the model bundle directory (server-side path; never sent to clients)
 */
public record ModelRow(long id, String name, int dimension, String state, String bundleLocation) {}

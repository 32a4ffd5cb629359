package org.medclip.backend.status;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import org.jboss.logging.Logger;
import org.medclip.backend.db.DatabaseErrors;
import org.medclip.backend.status.StatusResponse.Corpus;
import org.medclip.backend.status.StatusResponse.Database;
import org.medclip.backend.status.StatusResponse.Model;

/** Reports readiness; a database outage is a status to show, not an error to throw. */
@ApplicationScoped
public class StatusService {
  private static final Logger LOG = Logger.getLogger(StatusService.class);
  private final StatusRepository repository;

  public StatusService(StatusRepository repository) {
    this.repository = repository;
  }

  public StatusResponse currentStatus() {
    try {
      return repository.read();
    } catch (SQLException | RuntimeException e) {
      String detail =
          DatabaseErrors.isConnectionFailure(e)
              ? "The database server cannot be reached."
              : "The database answered with an error.";
      LOG.warnf("Status check failed: %s (SQLSTATE %s)", detail, DatabaseErrors.sqlState(e));
      return new StatusResponse(
          new Database("down", null, null, detail),
          new Model("none", null, null, null),
          new Corpus(null));
    }
  }
}

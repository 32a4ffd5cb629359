package org.medclip.backend.common;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.jboss.logging.Logger;
import org.medclip.backend.db.DatabaseErrors;

/**
 * Maps every exception that reaches the REST layer to {@code application/problem+json}. Client
 * errors keep their message (written for people); server errors get a generic sentence and the
 * cause is logged, never sent.
 */
@Provider
public class ProblemExceptionMapper implements ExceptionMapper<Throwable> {
  private static final Logger LOG = Logger.getLogger(ProblemExceptionMapper.class);

  @Context UriInfo uriInfo;

  @Override
  public Response toResponse(Throwable e) {
    int status;
    String detail;
    if (e instanceof ApiException api) {
      status = api.status();
      detail = api.getMessage();
    } else if (e instanceof WebApplicationException web) {
      status = web.getResponse().getStatus();
      detail = status == 404 ? "No resource at this address." : defaultDetail(status);
      if (status == 405) {
        detail = "This method is not allowed on this resource.";
      } else if (status == 415) {
        detail = "This content type is not supported here.";
      } else if (status == 406) {
        detail = "This resource cannot answer in the requested media type.";
      }
    } else if (DatabaseErrors.isConnectionFailure(e)) {
      status = 503;
      detail = "The database is not reachable right now; try again in a moment.";
      LOG.warnf("Database unavailable: %s", e.getClass().getSimpleName());
    } else {
      status = 500;
      detail = "An internal error occurred; it has been logged.";
      LOG.error("Unhandled error", e);
    }
    return problem(status, detail, uriInfo == null ? null : uriInfo.getPath());
  }

  /** A problem response with the standard reason phrase as title. */
  public static Response problem(int status, String detail, String instance) {
    Response.Status known = Response.Status.fromStatusCode(status);
    String title = known != null ? known.getReasonPhrase() : "Error";
    return Response.status(status)
        .type(Problem.MEDIA_TYPE)
        .entity(new Problem("about:blank", title, status, detail, instance))
        .build();
  }

  private static String defaultDetail(int status) {
    return status >= 500
        ? "An internal error occurred; it has been logged."
        : "The request was not valid.";
  }
}

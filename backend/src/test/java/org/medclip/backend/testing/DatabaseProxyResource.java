package org.medclip.backend.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.util.Map;

/**
 * Puts a {@link TcpProxy} between the backend's datasource and the test PostgreSQL: the JDBC URL
 * Quarkus starts with points at the proxy, and the test gets the proxy in its field annotated
 * {@link InjectDatabaseProxy} to cut and restore the database.
 */
public class DatabaseProxyResource implements QuarkusTestResourceLifecycleManager {
  /** Marks the test field of type {@link TcpProxy} that receives the proxy. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.FIELD)
  public @interface InjectDatabaseProxy {}

  private TcpProxy proxy;

  @Override
  public Map<String, String> start() {
    String url =
        System.getProperty(
            "medclip.test.jdbc.url", "jdbc:postgresql://127.0.0.1:55432/medclip_test");
    URI uri = URI.create(url.substring("jdbc:".length()));
    try {
      proxy = TcpProxy.start(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String proxied =
        "jdbc:postgresql://127.0.0.1:"
            + proxy.port()
            + uri.getRawPath()
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    // Both keys: the %test profile value of application.properties must not win over this one.
    return Map.of(
        "quarkus.datasource.jdbc.url", proxied, "%test.quarkus.datasource.jdbc.url", proxied);
  }

  @Override
  public void inject(TestInjector testInjector) {
    testInjector.injectIntoFields(
        proxy, new TestInjector.AnnotatedAndMatchesType(InjectDatabaseProxy.class, TcpProxy.class));
  }

  @Override
  public void stop() {
    if (proxy != null) {
      proxy.close();
    }
  }
}

package org.medclip.backend.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy (plain {@code java.net}) that stands between the backend and PostgreSQL so a
 * test can take the database away and give it back: {@link #cut()} closes every proxied connection
 * and the listening socket (new connections are refused, as by a stopped server); {@link
 * #restore()} listens on the same port again.
 */
public final class TcpProxy implements AutoCloseable {
  private final InetSocketAddress target;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private ServerSocket server;

  private TcpProxy(InetSocketAddress target, int port) {
    this.target = target;
    this.port = port;
  }

  /** Starts a proxy on a free loopback port that forwards to {@code host:targetPort}. */
  public static TcpProxy start(String host, int targetPort) throws IOException {
    ServerSocket probe = listen(0);
    TcpProxy proxy = new TcpProxy(new InetSocketAddress(host, targetPort), probe.getLocalPort());
    proxy.serve(probe);
    return proxy;
  }

  /** The port the proxy listens on. */
  public int port() {
    return port;
  }

  /** Number of proxied connections that are open now. */
  public int openConnections() {
    return open.size() / 2;
  }

  /** Closes every proxied connection and stops listening: new connections are refused. */
  public synchronized void cut() {
    if (server != null) {
      closeQuietly(server);
      server = null;
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  /** Listens again on the same port. */
  public synchronized void restore() throws IOException {
    if (server == null) {
      serve(listen(port));
    }
  }

  /** Whether the proxy is listening. */
  public synchronized boolean isUp() {
    return server != null;
  }

  @Override
  public void close() {
    cut();
  }

  private static ServerSocket listen(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return s;
  }

  private synchronized void serve(ServerSocket listening) {
    server = listening;
    daemon("tcp-proxy-accept-" + port, () -> accept(listening));
  }

  private void accept(ServerSocket listening) {
    while (!listening.isClosed()) {
      Socket client;
      try {
        client = listening.accept();
      } catch (IOException e) {
        return; // cut
      }
      daemon("tcp-proxy-connect-" + port, () -> connect(listening, client));
    }
  }

  private void connect(ServerSocket listening, Socket client) {
    Socket upstream = new Socket();
    try {
      upstream.connect(target, 5_000);
      client.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(upstream);
      return;
    }
    synchronized (this) {
      if (server != listening) { // cut while connecting
        closeQuietly(client);
        closeQuietly(upstream);
        return;
      }
      open.add(client);
      open.add(upstream);
    }
    daemon("tcp-proxy-up-" + port, () -> pump(client, upstream));
    daemon("tcp-proxy-down-" + port, () -> pump(upstream, client));
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed: close both
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static void daemon(String name, Runnable task) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing anyway
    }
  }
}

package io.rampart.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A TCP front on loopback that forwards every connection to a backend port, as Kubernetes'
 * {@code rampart-db-rw} Service points at whichever instance is the primary. {@link #pointAt}
 * moves it and cuts every connection it carries, as a failover does; {@link #pause} holds new
 * bytes back (a network partition); a latency delays every byte each way (a link between zones
 * or regions), so that an asynchronous standby lags as it would there.
 *
 * <p>The Vert.x reactive PostgreSQL client takes one host per pool and has no
 * {@code target_session_attrs}, so locally this front stands where the {@code -rw} Service stands.
 */
final class TcpFront implements AutoCloseable {

    private record Chunk(long dueNanos, byte[] bytes) {
    }

    private final ServerSocket server;
    private final Duration latency;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile int backendPort;
    private volatile boolean paused;
    private volatile boolean closed;

    TcpFront(int backendPort, Duration latency) throws IOException {
        this.backendPort = backendPort;
        this.latency = latency;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tcp-front-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Sends new connections to another backend and cuts the ones open now. */
    void pointAt(int port) {
        backendPort = port;
        cutAll();
    }

    /** Holds every byte back until {@link #resume}: both ends see a silent network. */
    void pause() {
        paused = true;
    }

    void resume() {
        paused = false;
    }

    void cutAll() {
        open.forEach(TcpFront::closeQuietly);
        open.clear();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket backend = new Socket();
                try {
                    backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), backendPort), 2000);
                } catch (IOException refused) {
                    closeQuietly(client);
                    continue;
                }
                client.setTcpNoDelay(true);
                backend.setTcpNoDelay(true);
                open.add(client);
                open.add(backend);
                pipe(client, backend);
                pipe(backend, client);
            } catch (IOException e) {
                if (!closed) {
                    sleepQuietly(50);
                }
            }
        }
    }

    /** One direction: a reader queues what arrives with the time it may leave, a writer sends it then. */
    private void pipe(Socket from, Socket to) {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    queue.put(new Chunk(System.nanoTime() + latency.toNanos(), Arrays.copyOf(buffer, read)));
                }
            } catch (IOException | InterruptedException e) {
                // the connection was cut
            } finally {
                queue.add(new Chunk(0, null));
            }
        }, "tcp-front-read");
        Thread writer = new Thread(() -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Chunk chunk = queue.take();
                    if (chunk.bytes() == null) {
                        break;
                    }
                    long wait = chunk.dueNanos() - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    while (paused && !to.isClosed()) {
                        Thread.sleep(10);
                    }
                    out.write(chunk.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the connection was cut
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "tcp-front-write");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        cutAll();
    }
}

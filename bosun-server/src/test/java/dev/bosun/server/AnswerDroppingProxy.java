package dev.bosun.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback in front of a real server that loses the answer of the first
 * {@code drops} connections: it forwards the request, waits until the server has answered (so the
 * effect has committed), then closes the client's connection without relaying a byte. Later
 * connections are relayed both ways. This is the "lost answer" of a client whose network failed at
 * the worst moment.
 */
final class AnswerDroppingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final URI target;
    private final AtomicInteger toDrop;
    private final AtomicInteger dropped = new AtomicInteger();
    private volatile boolean closed;

    AnswerDroppingProxy(URI target, int drops) throws IOException {
        this.target = target;
        this.toDrop = new AtomicInteger(drops);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("answer-dropping-proxy").start(this::accept);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** How many answers were lost so far. */
    int dropped() {
        return dropped.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(target.getHost(), target.getPort());
                boolean drop = toDrop.getAndDecrement() > 0;
                Thread.ofPlatform().daemon().start(() -> pump(client, server, null));
                Thread.ofPlatform().daemon().start(() -> pump(server, client, drop ? client : null));
            } catch (IOException e) {
                if (!closed) throw new IllegalStateException("proxy accept failed", e);
            }
        }
    }

    /**
     * Copies {@code from} to {@code to}; with {@code dropAnswerOf}, the first bytes of the answer are
     * not relayed: that connection is closed instead.
     */
    private void pump(Socket from, Socket to, Socket dropAnswerOf) {
        byte[] buf = new byte[8192];
        try (from;
                to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (dropAnswerOf != null) {
                    dropped.incrementAndGet();
                    return; // closes both: the client sees its connection end with no answer
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the other side went away; closing both ends is all there is to do
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
    }
}

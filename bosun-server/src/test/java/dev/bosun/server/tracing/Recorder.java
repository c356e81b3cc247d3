package dev.bosun.server.tracing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An HTTP receiver on loopback for tests (a collector, a webhook receiver): notes what {@code note}
 * makes of each request and answers 200 with no body.
 */
public final class Recorder implements AutoCloseable {
    private final HttpServer server;
    private final List<String> got = new CopyOnWriteArrayList<>();

    public Recorder(Function<HttpExchange, String> note) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            got.add(note.apply(ex));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
    }

    /** {@code http://127.0.0.1:port} */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** What was noted of each request so far, in arrival order. */
    public List<String> got() {
        return new ArrayList<>(got);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

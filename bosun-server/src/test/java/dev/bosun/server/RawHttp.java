package dev.bosun.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP written by hand on a socket, for what a well-behaved client cannot send: a foreign
 * {@code Host}, a malformed request line, headers that trickle in, a client that vanishes.
 */
final class RawHttp implements AutoCloseable {
    final Socket socket;

    RawHttp(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(20_000);
    }

    void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Everything the server sends until it closes the connection. */
    String readToClose() throws IOException {
        var out = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) >= 0; ) out.write(buf, 0, n);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Reads up to the end of the response headers (a streaming response goes on after them). */
    String readHeaders() throws IOException {
        var out = new StringBuilder();
        InputStream in = socket.getInputStream();
        while (!out.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) break;
            out.append((char) c);
        }
        return out.toString();
    }

    /** One request with {@code Connection: close}; the whole answer, status line to body. */
    static String exchange(int port, String request) throws IOException {
        try (var raw = new RawHttp(port)) {
            raw.send(request);
            return raw.readToClose();
        }
    }

    static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    static String body(String response) {
        int at = response.indexOf("\r\n\r\n");
        return at < 0 ? "" : response.substring(at + 4);
    }

    /** Closes with a reset, as a client that crashed or lost its network would: no orderly goodbye. */
    void vanish() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

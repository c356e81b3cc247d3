package dev.bosun.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The drain counts a request until its answer has been sent, not until the filter chain returns:
 * Jetty writes the end of an answer after the servlet (the buffered tail, or all of an asynchronous
 * one), and a drain that let the request go at the filter's return stopped the server under it.
 * An answer held open past the filters' return makes the window as wide as the test needs.
 */
class DrainCountTest {
    private final Drain drain = new Drain();
    private Server server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.stop();
    }

    @Test
    void aRequestStaysInFlightAfterTheFiltersReturnUntilItsAnswerIsSent() throws Exception {
        var filtersReturned = new CountDownLatch(1);
        var pending = new AtomicReference<AsyncContext>();
        URI base = start(
                new HttpFilter() {
                    @Override
                    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
                            throws java.io.IOException, jakarta.servlet.ServletException {
                        chain.doFilter(req, res); // RequestContext is inside this one: it has returned when this does
                        filtersReturned.countDown();
                    }
                },
                new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse res) {
                        pending.set(req.startAsync()); // answered later, from the test
                    }
                });
        CompletableFuture<HttpResponse<String>> answer = HttpClient.newHttpClient()
                .sendAsync(HttpRequest.newBuilder(base.resolve("/slow")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(filtersReturned.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(drain.inFlight())
                .as("the filters returned, the answer is not sent")
                .isEqualTo(1);
        drain.start();
        assertThat(drain.awaitIdle(System.nanoTime()))
                .as("the drain must wait for it")
                .isFalse();

        AsyncContext async = pending.get();
        async.getResponse().getWriter().write("the real answer");
        async.complete();
        assertThat(answer.get(30, TimeUnit.SECONDS).body()).isEqualTo("the real answer");
        await().atMost(Duration.ofSeconds(30)).until(() -> drain.inFlight() == 0);
        assertThat(drain.awaitIdle(System.nanoTime())).isTrue();
    }

    private URI start(HttpFilter outer, HttpServlet servlet) throws Exception {
        server = new Server();
        var connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        var context = new ServletContextHandler();
        var templates = new RouteTemplates(List.of());
        for (var filter :
                List.of(outer, new RequestContext(new AccessLog(templates), drain, new HttpSpans(templates)))) {
            var holder = new FilterHolder(filter);
            holder.setAsyncSupported(true);
            context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        var holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        server.setHandler(context);
        server.start();
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }
}

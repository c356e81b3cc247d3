package dev.bosun.server;

import dev.bosun.SessionManager;
import dev.bosun.config.BosunConfig;
import dev.bosun.config.ServerSettings;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.server.auth.ApiKeys;
import dev.bosun.server.auth.RateLimiter;
import dev.bosun.server.http.AccessLog;
import dev.bosun.server.http.Api;
import dev.bosun.server.http.ApiErrors;
import dev.bosun.server.http.EdgeGuard;
import dev.bosun.server.http.HeaderDeadline;
import dev.bosun.server.http.JsonErrorHandler;
import dev.bosun.server.http.RequestContext;
import dev.bosun.server.http.RouteTable;
import dev.bosun.server.http.StreamGate;
import dev.bosun.server.metrics.Metrics;
import dev.bosun.server.ui.UiAssets;
import dev.bosun.server.ui.UiRoutes;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bosun's HTTP server: the API of docs/API.md over a {@link SessionManager}, with API-key auth and
 * tenants, a per-key rate limit, a cap on concurrent streams, Prometheus metrics and the OpenAPI
 * document.
 *
 * <pre>{@code
 * try (BosunServer server = BosunServer.start(config, manager)) {
 *     System.out.println("listening on " + server.url());
 *     server.join();
 * }
 * }</pre>
 */
public final class BosunServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BosunServer.class);

    private final Javalin app;
    private final ServerSettings settings;
    private final Metrics metrics;
    private final List<RouteTable.Route> routes;
    private final StreamGate gate;
    private final Duration sseHeartbeat;
    /** The longest a shutdown waits for open streams to say goodbye. */
    private static final Duration MAX_DRAIN = Duration.ofSeconds(5);

    private final dev.bosun.server.http.Drain drain;
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);

    private BosunServer(
            Javalin app,
            ServerSettings settings,
            Metrics metrics,
            List<RouteTable.Route> routes,
            StreamGate gate,
            Duration sseHeartbeat,
            dev.bosun.server.http.Drain drain) {
        this.drain = drain;
        this.app = app;
        this.gate = gate;
        this.sseHeartbeat = sseHeartbeat;
        this.settings = settings;
        this.metrics = metrics;
        this.routes = List.copyOf(routes);
    }

    public static BosunServer start(BosunConfig config, SessionManager manager) {
        return start(config, manager, config.server().sseKeepAlive());
    }

    /** As {@link #start(BosunConfig, SessionManager)}, with the SSE keep-alive period (tests shorten it). */
    public static BosunServer start(BosunConfig config, SessionManager manager, Duration sseHeartbeat) {
        return start(config, manager, sseHeartbeat, System::nanoTime);
    }

    /** As {@link #start(BosunConfig, SessionManager, Duration)}, with the clock the rate limits refill by. */
    static BosunServer start(BosunConfig config, SessionManager manager, Duration sseHeartbeat, LongSupplier nanoTime) {
        ServerSettings s = config.server();
        requireSafeBinding(s);
        var keys = new ApiKeys(s);
        var limiter = new RateLimiter(s.rateLimit(), s.rateBurst(), nanoTime);
        var authFailures = new RateLimiter(
                s.authFailureRate(),
                2 * s.authFailureRate(),
                nanoTime,
                "too many failed authentications from this address",
                "auth_failure_rate");
        var gate = new StreamGate(s.maxStreams(), s.authEnabled() ? s.maxStreamsPerTenant() : s.maxStreams());
        var drain = new dev.bosun.server.http.Drain();
        gate.drainWith(drain);
        var metrics = new Metrics(manager, gate::open);
        metrics.bindInFlight(drain::inFlight);
        var api = new Api(
                manager,
                keys,
                limiter,
                authFailures,
                gate,
                metrics,
                Clock.systemUTC(),
                sseHeartbeat,
                s.maxRequestBytes());
        String openapi = resource("/openapi.json");
        var ui = UiAssets.shipped();
        var routes = new ArrayList<RouteTable.Route>();
        var templates = new dev.bosun.server.http.RouteTemplates(routes);
        var access = new AccessLog(templates);
        var spans = new dev.bosun.server.http.HttpSpans(templates);

        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.jetty.host = s.host();
            cfg.jetty.port = s.port();
            cfg.http.maxRequestSize = s.maxRequestBytes();
            cfg.router.ignoreTrailingSlashes = true;
            cfg.jetty.modifyServer(server -> {
                server.setErrorHandler(new JsonErrorHandler());
                metrics.bindJetty(server.getThreadPool());
            });
            cfg.jetty.modifyServletContextHandler(context -> {
                context.addFilter(
                        new FilterHolder(new RequestContext(access, drain, spans)),
                        "/*",
                        EnumSet.of(DispatcherType.REQUEST));
                context.addFilter(new FilterHolder(new EdgeGuard(s)), "/*", EnumSet.of(DispatcherType.REQUEST));
                UiRoutes.mount(context, ui);
            });
            cfg.jetty.addConnector((server, http) -> {
                var connector = new ServerConnector(server, new HeaderDeadline(http, s.headerTimeout()));
                connector.setHost(s.host());
                connector.setPort(s.port());
                connector.setIdleTimeout(s.idleTimeout().toMillis());
                metrics.bindConnector(connector);
                return connector;
            });
            cfg.requestLogger.http((ctx, ms) -> {
                String route = access.route(ctx);
                metrics.http(ctx.method().name(), route, ctx.statusCode(), ms);
                access.write(ctx, route, ms);
                spans.end(ctx.req(), route, ctx.statusCode());
            });
            var r = cfg.routes;
            r.exception(BosunException.class, (e, ctx) -> ApiErrors.write(ctx, e));
            r.exception(
                    HttpResponseException.class,
                    (e, ctx) -> ApiErrors.write(
                            ctx,
                            e.getStatus() == 404
                                    ? new BosunException(
                                            ErrorCode.NOT_FOUND,
                                            "no route " + ctx.method() + " " + ctx.path(),
                                            Map.of())
                                    : fromJavalin(e)));
            r.exception(Exception.class, (e, ctx) -> {
                log.error("unhandled error on {} {}", ctx.method(), access.route(ctx), e);
                ApiErrors.write(ctx, BosunException.internal("internal error", e));
            });
            r.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    ApiErrors.write(
                            ctx,
                            new BosunException(
                                    ErrorCode.NOT_FOUND, "no route " + ctx.method() + " " + ctx.path(), Map.of()));
                }
            });
            var t = new RouteTable(r, routes);
            byte[] health = dev.bosun.wire.WireJson.bytes(new dev.bosun.wire.Health("ok", BuildInfo.version()));
            t.get("/healthz", ctx -> ctx.contentType("application/json").result(health));
            t.get("/readyz", ctx -> Readiness.write(ctx, manager));
            boolean metricsKey = s.ops().metricsAuth() == dev.bosun.config.OpsSettings.MetricsAuth.API_KEY;
            t.get("/metrics", ctx -> {
                if (metricsKey) keys.tenant(java.util.Optional.ofNullable(ctx.header("Authorization")));
                ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
            });
            t.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openapi));
            api.register(t);
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            throw BosunException.unavailable(
                    "cannot listen on " + s.host() + ":" + s.port() + ": " + rootMessage(e), e);
        }
        return new BosunServer(app, s, metrics, routes, gate, sseHeartbeat, drain);
    }

    /** Without API keys anyone who can connect is every tenant: only loopback may connect then. */
    private static void requireSafeBinding(ServerSettings s) {
        if (s.authEnabled()) return;
        boolean loopback;
        try {
            loopback = InetAddress.getByName(s.host()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw BosunException.invalid("host", "host '" + s.host() + "' does not resolve");
        }
        if (!loopback) {
            throw BosunException.invalid(
                    "host",
                    "refusing to bind " + s.host() + " without api_keys: anyone who can "
                            + "reach it could use every session. Configure api_keys (BOSUN_API_KEYS) or bind 127.0.0.1");
        }
    }

    private static BosunException fromJavalin(HttpResponseException e) {
        return switch (e.getStatus()) {
            case 413 ->
                new BosunException(
                        ErrorCode.PAYLOAD_TOO_LARGE,
                        "the request body is over the limit of " + "max_request_bytes",
                        Map.of("field", "body"));
            case 400 -> BosunException.invalid("body", "bad request: " + e.getMessage());
            case 404 -> new BosunException(ErrorCode.NOT_FOUND, "not found", Map.of());
            default ->
                new BosunException(
                        e.getStatus() >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_ARGUMENT,
                        "request failed with status " + e.getStatus(),
                        Map.of());
        };
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) t = t.getCause();
        return String.valueOf(t.getMessage());
    }

    static String resource(String name) {
        try (InputStream in = BosunServer.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name, e);
        }
    }

    public int port() {
        return app.port();
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:7700}. */
    public URI url() {
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        return URI.create("http://" + host + ":" + port());
    }

    public Metrics metrics() {
        return metrics;
    }

    /** Every route this server answers, as registered: what {@code /openapi.json} must describe. */
    public List<RouteTable.Route> routes() {
        return routes;
    }

    /** The Javalin instance, for tests that check no route slipped past the {@link RouteTable}. */
    Javalin javalin() {
        return app;
    }

    public boolean authEnabled() {
        return settings.authEnabled();
    }

    /**
     * A graceful stop (SIGTERM): new requests get 503 with {@code Retry-After} ({@code /healthz} and
     * {@code /metrics} still answer), SSE streams get a final {@code retry:} and end, waiting
     * long-polls are answered, and the requests in flight finish — for at most {@code grace}; then the
     * server stops. The caller closes the manager (its consumers) and the store after this.
     */
    public void drain(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        drain.start();
        log.info("shutting down: {} requests in flight, grace {} ms", drain.inFlight(), grace.toMillis());
        long began = System.nanoTime();
        try {
            if (drain.awaitIdle(deadline)) {
                log.info("drained in {} ms", (System.nanoTime() - began) / 1_000_000);
            } else {
                log.warn(
                        "shutdown_grace of {} ms expired with {} requests in flight; stopping anyway",
                        grace.toMillis(),
                        drain.inFlight());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /** Whether {@link #drain} has begun. */
    public boolean draining() {
        return drain.draining();
    }

    /** Blocks until {@link #close} has stopped the server. */
    public void join() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        try {
            try {
                // Open streams end with an SSE retry: first, within one keep-alive period (bounded).
                Duration bound = sseHeartbeat.plusMillis(500);
                if (!gate.drain(bound.compareTo(MAX_DRAIN) < 0 ? bound : MAX_DRAIN)) {
                    log.info("{} streams or long-polls still open after the drain; closing them", gate.open());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            app.stop();
        } finally {
            metrics.close();
            stopped.countDown();
        }
    }
}

package dev.bosun.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gate in front of the pool, over real connections to the local PostgreSQL. */
class PoolGateTest {
    private HikariDataSource pool;

    @BeforeEach
    void open() {
        PgTesting.require();
        var cfg = new HikariConfig();
        cfg.setJdbcUrl(PgTesting.BASE.jdbcUrl());
        cfg.setDataSourceProperties(PgTesting.BASE.properties("bosun-gate-test"));
        cfg.setMaximumPoolSize(1);
        cfg.setPoolName("gate-test");
        pool = new HikariDataSource(cfg);
    }

    @AfterEach
    void close() {
        if (pool != null) pool.close();
    }

    @Test
    void callersGetTheConnectionInTheOrderTheyAsked() throws Exception {
        var gate = new PoolGate(pool, 1, Duration.ofSeconds(30), "gate-test");
        var order = new CopyOnWriteArrayList<Integer>();
        var threads = new ArrayList<Thread>();
        try (PoolGate.Lease held = gate.borrow()) {
            for (int i = 0; i < 8; i++) {
                int n = i;
                threads.add(Thread.ofVirtual().start(() -> {
                    try (PoolGate.Lease lease = gate.borrow()) {
                        order.add(n);
                        assertThat(lease.connection().isValid(1)).isTrue();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }));
                // The next caller asks only once this one is queued, so the arrival order is known.
                int queued = i + 1;
                await().atMost(Duration.ofSeconds(10)).until(() -> gate.waiting() == queued);
            }
            assertThat(order).isEmpty();
        }
        for (Thread t : threads) t.join(Duration.ofSeconds(30));
        assertThat(order).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(gate.waiting()).isZero();
    }

    @Test
    void aCallerThatWaitedTooLongIsToldThePoolIsBusyNotThatTheDatabaseIsDown() throws Exception {
        var gate = new PoolGate(pool, 1, Duration.ofMillis(50), "gate-test");
        try (PoolGate.Lease held = gate.borrow()) {
            assertThatThrownBy(gate::borrow)
                    .isInstanceOfSatisfying(
                            BosunException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
                    .hasMessageContaining("busy")
                    .hasMessageContaining("all 1 connections of pool gate-test stayed in use for 50 ms")
                    .hasMessageContaining("store_pool_size")
                    .hasMessageNotContaining("unreachable");
        }
        // The refused caller took no place: the next one is admitted at once.
        try (PoolGate.Lease lease = gate.borrow()) {
            assertThat(lease.connection().isValid(1)).isTrue();
        }
    }

    @Test
    void aConnectionThatCannotBeHadGivesItsPlaceBack() throws Exception {
        var gate = new PoolGate(pool, 1, Duration.ofMillis(200), "gate-test");
        pool.close();
        List<Exception> failures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            try (PoolGate.Lease lease = gate.borrow()) {
                throw new AssertionError("a closed pool handed out " + lease.connection());
            } catch (BosunException e) {
                throw new AssertionError("the place was not given back after a failed borrow", e);
            } catch (Exception e) {
                failures.add(e);
            }
        }
        // Three SQL failures from the closed pool, not a busy gate: each failed borrow gave its place back.
        assertThat(failures).hasSize(3).allSatisfy(e -> assertThat(e).isNotInstanceOf(BosunException.class));
        assertThat(gate.waiting()).isZero();
    }
}

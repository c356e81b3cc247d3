package dev.bosun.config;

import static dev.bosun.config.ConfigAssertions.assertInvalidContaining;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.error.BosunException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** store_url selects the store; a PostgreSQL URL is checked for shape without ever echoing it (it may hold a password). */
class ConfigStoreTest {
    @Test
    void withoutAUrlTheStoreIsSqliteInTheDataDir() {
        BosunConfig c = ConfigLoader.defaults().load();
        assertThat(c.store().url()).isEmpty();
        assertThat(c.store().shared()).isFalse();
        assertThat(c.store().poolSize()).isEqualTo(16);
        assertThat(c.store().leaseTtl()).isEqualTo(Duration.ofSeconds(15));
        assertThat(ConfigLoader.defaults()
                        .env(Map.of("BOSUN_STORE_URL", " "))
                        .load()
                        .store()
                        .url())
                .isEmpty();
    }

    @Test
    void aPostgresUrlFromTheEnvironmentSelectsTheSharedStore() {
        BosunConfig c = ConfigLoader.defaults()
                .env(Map.of(
                        "BOSUN_STORE_URL",
                        "postgresql://bosun:s3cret@db:5432/bosun?schema=prod",
                        "BOSUN_STORE_POOL_SIZE",
                        "32",
                        "BOSUN_NODE_LEASE_TTL",
                        "5s"))
                .load();
        assertThat(c.store().url()).contains("postgresql://bosun:s3cret@db:5432/bosun?schema=prod");
        assertThat(c.store().shared()).isTrue();
        assertThat(c.store().poolSize()).isEqualTo(32);
        assertThat(c.store().leaseTtl()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void otherUrlsAreRefusedNamingTheFieldButNotThePassword() {
        for (String bad : new String[] {
            "mysql://u:s3cret@db/x",
            "postgresql://u:s3cret@db",
            "postgresql://u:s3cret@/x",
            "postgresql://u:s3cret@db:x/y",
            "s3cret"
        }) {
            assertInvalidContaining(
                    () -> ConfigLoader.defaults()
                            .env(Map.of("BOSUN_STORE_URL", bad))
                            .load(),
                    "store_url",
                    "store_url",
                    "postgresql://user[:password]@host",
                    "BOSUN_STORE_URL");
            assertThatThrownBy(() -> ConfigLoader.defaults()
                            .env(Map.of("BOSUN_STORE_URL", bad))
                            .load())
                    .isInstanceOfSatisfying(
                            BosunException.class,
                            e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
        }
        assertInvalidContaining(
                () -> ConfigLoader.defaults().set("node_lease_ttl", "500ms").load(), "node_lease_ttl", "1s..10m");
        assertInvalidContaining(
                () -> ConfigLoader.defaults().set("store_pool_size", 1).load(), "store_pool_size", "2..1000");
    }
}

package dev.bosun.store.postgres;

import dev.bosun.contract.IdempotencyContract;
import dev.bosun.contract.StoreFactory;

class PostgresIdempotencyTest extends IdempotencyContract {
    @Override
    protected StoreFactory factory() {
        return PgTesting.factory();
    }
}

package dev.bosun.store.sqlite;

import dev.bosun.contract.IdempotencyContract;
import dev.bosun.contract.StoreFactory;

class SqliteIdempotencyTest extends IdempotencyContract {
    @Override
    protected StoreFactory factory() {
        return SqliteStore::open;
    }
}

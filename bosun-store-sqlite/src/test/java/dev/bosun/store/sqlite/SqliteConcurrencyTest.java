package dev.bosun.store.sqlite;

import dev.bosun.contract.ConcurrencyContract;
import dev.bosun.contract.StoreFactory;

class SqliteConcurrencyTest extends ConcurrencyContract {
    @Override
    protected StoreFactory factory() {
        return SqliteStore::open;
    }
}

package dev.bosun.store.sqlite;

import dev.bosun.contract.ReaperContract;
import dev.bosun.contract.StoreFactory;

class SqliteReaperTest extends ReaperContract {
    @Override
    protected StoreFactory factory() {
        return SqliteStore::open;
    }
}

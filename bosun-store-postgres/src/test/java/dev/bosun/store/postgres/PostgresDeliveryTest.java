package dev.bosun.store.postgres;

import dev.bosun.contract.DeliveryContract;
import dev.bosun.contract.StoreFactory;

class PostgresDeliveryTest extends DeliveryContract {
    @Override
    protected StoreFactory factory() {
        return PgTesting.factory();
    }
}

package dev.bosun.delivery;

/** Sends deliveries of one kind and classifies the receiver's answer. Never throws. */
public interface Sender {
    DeliveryKind kind();

    /** Makes one attempt, within the configured delivery timeout. */
    Attempt send(Delivery delivery);
}

package io.rampart.sli.alert.notify;

/**
 * Where one notification to one channel stands ({@code notification_delivery.state}): due or
 * retrying, delivered, or given up. {@link #UNRECORDED}: an attempt whose outcome could not be
 * written; its lease runs out and the delivery comes due again.
 */
public enum DeliveryState {
    PENDING,
    DELIVERED,
    FAILED,
    UNRECORDED
}

package io.rampart.publisher;

/**
 * The service could not be reached, or kept answering 429 or 5xx, until the retry time ran out.
 * Items that carry an {@code eventId} (every item does, see {@link MetricItem}) can be published
 * again later without being counted twice.
 */
public final class PublishUnavailableException extends PublishException {

    private final int attempts;

    PublishUnavailableException(String message, int attempts, PublishResult publishedBefore, Throwable cause) {
        super(message, publishedBefore, cause);
        this.attempts = attempts;
    }

    public int attempts() {
        return attempts;
    }
}

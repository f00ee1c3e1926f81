package io.rampart.publisher;

/** A publish that did not complete; {@link #publishedBefore()} tells what earlier batches stored. */
public abstract class PublishException extends Exception {

    private final PublishResult publishedBefore;

    PublishException(String message, PublishResult publishedBefore, Throwable cause) {
        super(message, cause);
        this.publishedBefore = publishedBefore;
    }

    public PublishResult publishedBefore() {
        return publishedBefore;
    }
}

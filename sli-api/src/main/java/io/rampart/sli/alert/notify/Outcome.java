package io.rampart.sli.alert.notify;

/**
 * The answer of one attempt to send: the status code where a receiver answered, an error
 * otherwise (never a URL or a credential: {@code HTTP 500}, {@code timeout}, an error's class),
 * and whether another attempt may succeed.
 */
public record Outcome(Integer statusCode, String error, boolean retryable) {

    static final Outcome SENT = new Outcome(null, null, false);

    /** A receiver's answer: a 2xx delivers, anything else is tried again. */
    static Outcome answered(int status) {
        return new Outcome(status, status >= 200 && status < 300 ? null : "HTTP " + status, true);
    }

    static Outcome failed(String error, boolean retryable) {
        return new Outcome(null, error, retryable);
    }

    public boolean delivered() {
        return error == null;
    }
}

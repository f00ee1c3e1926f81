package io.rampart.publisher;

/**
 * The service refused a request (a 4xx other than 429): retrying the same request cannot help.
 * Carries the service's error: its code, detail and, for an item, the item's index in the list
 * given to {@link RampartPublisher#publish} and the field at fault.
 */
public final class PublishRefusedException extends PublishException {

    private final int status;
    private final String error;
    private final String detail;
    private final Integer index;
    private final String field;

    PublishRefusedException(int status, String error, String detail, Integer index, String field,
            PublishResult publishedBefore) {
        super(describe(status, error, detail, index, field), publishedBefore, null);
        this.status = status;
        this.error = error;
        this.detail = detail;
        this.index = index;
        this.field = field;
    }

    private static String describe(int status, String error, String detail, Integer index, String field) {
        StringBuilder text = new StringBuilder().append(status).append(' ').append(error);
        if (detail != null) {
            text.append(": ").append(detail);
        }
        if (index != null) {
            text.append(" (item ").append(index);
            if (field != null && !field.isEmpty()) {
                text.append(", field ").append(field);
            }
            text.append(')');
        }
        return text.toString();
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String detail() {
        return detail;
    }

    /** The refused item's index in the list given to publish, or null when the request as a whole was refused. */
    public Integer index() {
        return index;
    }

    public String field() {
        return field;
    }
}

using System.Threading.Channels;

namespace UserAdmin.Portal.Features.Email;

/// <summary>
/// Email that is sent after the answer, not before it: the public reset form answers in the same time whether or
/// not it had anything to send, so delivery (a slow mail server, a failure) cannot be seen from outside.
/// A queue in memory: a message still queued when the process stops is lost, and its owner asks again.
/// </summary>
public sealed class EmailOutbox
{
    private readonly Channel<EmailMessage> _queue = Channel.CreateBounded<EmailMessage>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>Queues the message; false when the queue is full (the message is dropped).</summary>
    public bool Enqueue(EmailMessage message) => _queue.Writer.TryWrite(message);

    internal ChannelReader<EmailMessage> Reader => _queue.Reader;
}

/// <summary>Sends what <see cref="EmailOutbox"/> holds, one message at a time; failures are logged without the message's text.</summary>
internal sealed class EmailOutboxSender(EmailOutbox outbox, IEmailSender sender, ILogger<EmailOutboxSender> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var message in outbox.Reader.ReadAllAsync(stoppingToken))
            {
                var result = await sender.SendAsync(message, stoppingToken);
                if (!result.Sent)
                {
                    logger.LogWarning("A queued email ({Subject}) could not be sent: {Problem}", message.Subject, result.Problem);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

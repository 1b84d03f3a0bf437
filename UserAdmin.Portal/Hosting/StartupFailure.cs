namespace UserAdmin.Portal.Hosting;

internal static class StartupFailure
{
    /// <summary>Finds a configuration failure inside whatever the host wrapped it in.</summary>
    public static StartupConfigurationException? Find(Exception? ex) => ex switch
    {
        null => null,
        StartupConfigurationException config => config,
        AggregateException aggregate => aggregate.InnerExceptions.Select(Find).FirstOrDefault(f => f is not null),
        _ => Find(ex.InnerException),
    };
}

using Microsoft.Extensions.Configuration.Json;
using UserAdmin.Portal.Hosting;

namespace UserAdmin.Portal.Tests.Hosting;

/// <summary>
/// The host reads its settings files once: a watcher on them watches the whole content root, where the database and
/// its log are written, and woke on every write.
/// </summary>
public sealed class HostArgumentsTests
{
    [Fact]
    public void NoSettingsFileOfTheBuiltHostIsWatched()
    {
        var builder = WebApplication.CreateBuilder(PortalHosting.HostArguments(["--environment", "Production"]));

        var files = builder.Configuration.Sources.OfType<JsonConfigurationSource>().ToList();

        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.False(f.ReloadOnChange, $"{f.Path} is watched for changes"));
    }

    [Fact]
    public void WithoutThePortalsArgumentsTheDefaultHostWouldWatchThem()
    {
        // The control: what HostArguments turns off is on by default.
        var builder = WebApplication.CreateBuilder(["--environment", "Production"]);

        Assert.Contains(builder.Configuration.Sources.OfType<JsonConfigurationSource>(), f => f.ReloadOnChange);
    }

    [Fact]
    public void AnOperatorsOwnSettingWins()
    {
        Assert.Equal(["--hostBuilder:reloadConfigOnChange=true"], PortalHosting.HostArguments(["--hostBuilder:reloadConfigOnChange=true"]));
        Assert.Equal(["--hostBuilder:reloadConfigOnChange=false", "--urls", "http://127.0.0.1:5000"], PortalHosting.HostArguments(["--urls", "http://127.0.0.1:5000"]));
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.ApiKeys;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Api;

/// <summary>Seeds an organization with members and API keys, and sends API requests with a key, through the real pipeline.</summary>
public sealed class ApiTestKit(PortalAppFactory app)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public TestDatabase Database => app.Database;

    public async Task<(TestOrganization Organization, TestMember Member, string Key)> MemberWithKeyAsync(
        MemberRank rank = MemberRank.Admin, ApiKeyScope scope = ApiKeyScope.ReadWrite, IReadOnlyCollection<string>? permissions = null)
    {
        var organization = await Database.AddOrganizationAsync();
        var member = await Database.AddMemberAsync(organization.Id, rank, permissions: permissions);
        return (organization, member, await KeyForAsync(member, scope));
    }

    public async Task<string> KeyForAsync(TestMember member, ApiKeyScope scope = ApiKeyScope.ReadWrite)
    {
        var created = await app.Services.GetRequiredService<ApiKeyService>()
            .CreateAsync(app.Services.Proven(member.Actor), new NewApiKey { Name = "test script", Scope = scope });
        Assert.True(created.Succeeded, created.Message);
        return created.Value!.Key;
    }

    public HttpClient Client(string? key, string scheme = "ApiKey")
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, key);
        }

        return client;
    }

    public async Task<string> VersionOfAsync(TestMember member) =>
        await Database.QueryAsync(db => db.Memberships.Where(m => m.Id == member.MembershipId).Select(m => m.Version).SingleAsync());

    public async Task<List<ActivityRecord>> ActivityAsync(Guid organizationId) => await Database.ActivityForAsync(organizationId);

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Json);

    /// <summary>Asserts a problem-details answer with this status, and returns it.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("<html", body, StringComparison.OrdinalIgnoreCase);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>Asserts a 422 whose <c>errors</c> name exactly these fields.</summary>
    public static async Task AssertInvalidAsync(HttpResponseMessage response, params string[] fields)
    {
        var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        var errors = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(fields.Order().ToArray(), errors);
    }

    public static async Task AssertOkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}

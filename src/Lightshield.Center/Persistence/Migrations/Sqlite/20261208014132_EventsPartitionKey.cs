using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lightshield.Center.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EventsPartitionKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_agent_events",
                table: "agent_events");

            migrationBuilder.AddPrimaryKey(
                name: "PK_agent_events",
                table: "agent_events",
                columns: new[] { "TenantId", "EventId", "ReceivedAtUnixMs" });

            migrationBuilder.CreateIndex(
                name: "IX_agent_events_TenantId_EventId",
                table: "agent_events",
                columns: new[] { "TenantId", "EventId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_agent_events",
                table: "agent_events");

            migrationBuilder.DropIndex(
                name: "IX_agent_events_TenantId_EventId",
                table: "agent_events");

            migrationBuilder.AddPrimaryKey(
                name: "PK_agent_events",
                table: "agent_events",
                columns: new[] { "TenantId", "EventId" });
        }
    }
}

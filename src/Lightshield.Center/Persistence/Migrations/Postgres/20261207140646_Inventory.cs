using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lightshield.Center.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Inventory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "InventoryInstanceId",
                table: "agents",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "inventory_instances",
                columns: table => new
                {
                    InstanceId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    Vcpus = table.Column<int>(type: "integer", nullable: false),
                    ImportedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ImportedBy = table.Column<string>(type: "character varying(210)", maxLength: 210, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inventory_instances", x => x.InstanceId);
                    table.ForeignKey(
                        name: "FK_inventory_instances_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_agents_InventoryInstanceId",
                table: "agents",
                column: "InventoryInstanceId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_inventory_instances_TenantId",
                table: "inventory_instances",
                column: "TenantId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "inventory_instances");

            migrationBuilder.DropIndex(
                name: "IX_agents_InventoryInstanceId",
                table: "agents");

            migrationBuilder.DropColumn(
                name: "InventoryInstanceId",
                table: "agents");
        }
    }
}

from wa_lint.query import UNKNOWN
from wa_lint.rule import rule

# type -> properties of the address itself that attach it
EIPS = {"AWS::EC2::EIP": ("InstanceId",),
        "aws_eip": ("instance", "network_interface", "associate_with_private_ip")}


@rule(id="COST112", name="elastic-ip-not-attached", pillar="cost-optimization",
      severity="note", resource_types=EIPS, bp=("COST04-BP03", "SUS02-BP03"))
def elastic_ip_not_attached(view):
    """Elastic IP address is allocated but attached to nothing

    ## What it checks
    An Elastic IP (`AWS::EC2::EIP`, `aws_eip`) that names no instance or
    network interface itself (`InstanceId`; Terraform `instance`,
    `network_interface`) and that no other resource of the run references:
    no NAT gateway, `EIPAssociation` / `aws_eip_association`, load balancer
    subnet mapping, Transfer server, nor any script or setting that could
    attach it at run time. Values that cannot be resolved count as attached.

    ## Why it matters
    AWS bills every public IPv4 address by the hour, attached or not. An
    address allocated and never associated is pure waste, and a sign of an
    asset nobody uses (COST04-BP03, SUS02-BP03).

    ## How to fix
    Associate the address with what needs it, or delete it:

    ```yaml
    WebAddress:
      Type: AWS::EC2::EIP
      Properties:
        Domain: vpc
        InstanceId: !Ref Web
    ```

    ```json
    {"resource": {"aws_eip": {"web": {"domain": "vpc",
      "instance": "${aws_instance.web.id}"}}}}
    ```

    ## Known limits
    An address exported to, and associated by, another stack or a process
    outside the templates cannot be seen; suppress the note with that reason.
    """
    for address in view.resources():
        values = [address.get(key) for key in EIPS[address.type]]
        if any(value is UNKNOWN or value not in (None, False, "") for value in values):
            continue
        if view.referrers(address):
            continue
        yield address.finding(None, f"Elastic IP {address} is attached to nothing: the public "
                                    "IPv4 address is billed by the hour all the same")

from intercom_wizard.cli import main

main()

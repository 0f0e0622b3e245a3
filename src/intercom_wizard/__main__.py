from intercom_wizard.entry import main

main()
